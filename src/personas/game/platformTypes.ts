import type { ObjectId } from '../../objects/types.js';
import type { ConfigObject } from './configFormats.js';

/** The nouns of per-platform configuration (platforms.ts). */
export interface ConfigProblem {
  readonly kind: 'unknown-key' | 'type-mismatch' | 'missing-override';
  /** dotted key (or the missing file's path) */
  readonly key: string;
  readonly baseType?: string;
  readonly overrideType?: string;
  /** the override's line, where the source has lines (project.godot) */
  readonly line?: number;
}

export interface ResolvedPlatform {
  readonly snapshot: ObjectId;
  readonly platform: string;
  /** where the platforms are declared */
  readonly source: 'vault-game.yaml' | 'project.godot' | 'ProjectSettings';
  readonly base: string;
  readonly override: string;
  /** project.godot: the feature tags the platform has (which decide the overrides) */
  readonly features?: readonly string[];
  readonly config: ConfigObject;
  readonly problems: readonly ConfigProblem[];
}

/** Where one snapshot's platform configs come from. */
export interface PlatformSource {
  readonly source: ResolvedPlatform['source'];
  readonly snapshot: ObjectId;
  /** the platforms to compare (matrix) */
  readonly platforms: readonly string[];
  has(platform: string): boolean;
  /** the config before any platform's override */
  base(): Promise<ConfigObject>;
  /** `features`: extra feature tags (project.godot: debug, a custom feature) */
  resolve(platform: string, features?: readonly string[]): Promise<ResolvedPlatform>;
}
