/**
 * Structural diff of text scene files: JSON and YAML (keys as paths like `player.stats.hp`), Godot
 * .tscn/.tres/project.godot (sections: nodes by scene path, ext/sub resources, connections; and
 * their properties). Parsing keeps Godot values as normalised source text.
 */
export * from './diffScene.js';
export * from './godot.js';
