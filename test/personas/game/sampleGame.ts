/**
 * A small generated game project for the game persona's tests: real PNG
 * textures (pngjs), a Godot-like script, a level, platform configs in four
 * formats, and vault-game.yaml declaring bundles and the platform layout.
 */
import { PNG } from 'pngjs';
import { stringify as tomlStringify } from 'smol-toml';
import { stringify as iniStringify } from 'ini';
import type { FileTree } from '../../helpers/tree.js';

/** A w x h PNG: a gradient seeded by `seed`, so different seeds give different bytes. */
export function texture(w: number, h: number, seed: number): Buffer {
  const p = new PNG({ width: w, height: h });
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 4;
      p.data[i] = (x * 7 + seed * 31) & 255;
      p.data[i + 1] = (y * 5 + seed * 17) & 255;
      p.data[i + 2] = ((x ^ y) + seed * 13) & 255;
      p.data[i + 3] = 255;
    }
  }
  return PNG.sync.write(p);
}

export const GAME_YAML = `# bundles: what players download; platforms: base + per-platform overrides
bundles:
  core:
    include: [Scripts/, Assets/UI/]
  characters:
    include: [Assets/Characters/]
    exclude: ["*.psd"]
  level1:
    include: [Assets/Levels/level1/, Assets/Shared/]
platforms:
  base: Config/base.yaml
  overrides:
    windows: Config/windows.json
    switch: Config/switch.toml
    android: Config/android.ini
`;

export const BASE_YAML = `graphics:
  resolution: [1920, 1080]
  shadows: high
  vsync: true
audio:
  volume: 0.8
gameplay:
  difficulty: normal
  max_players: 4
`;

export function sampleGame(): FileTree {
  return {
    'vault-game.yaml': GAME_YAML,
    'README.md': '# Cave Runner\n',
    Scripts: { 'player.gd': 'extends KinematicBody2D\nvar speed = 200\n', 'main.gd': 'extends Node\n' },
    Assets: {
      UI: { 'button.png': texture(32, 32, 1) },
      Characters: { 'hero.png': texture(128, 128, 2), 'hero.psd': Buffer.alloc(5000, 7) },
      Levels: { level1: { 'map.json': JSON.stringify({ tiles: [1, 2, 3], name: 'cave' }) } },
      Shared: { 'rock.png': texture(64, 64, 3) },
    },
    Docs: { 'design.md': 'run through the cave\n' },
    Config: {
      'base.yaml': BASE_YAML,
      'windows.json': JSON.stringify({ graphics: { resolution: [2560, 1440] } }, null, 2),
      'switch.toml': tomlStringify({
        graphics: { resolution: [1280, 720], shadows: 'low' },
        gameplay: { max_players: '2' },
        handheld: { dock_boost: true },
      }),
      'android.ini': iniStringify({ audio: { volume: 0.5 } }),
    },
  };
}
