/** tga-js ships no types: its default export is the TgaLoader class (used through an interface in textures.ts). */
declare module 'tga-js' {
  const TgaLoader: unknown;
  export default TgaLoader;
}
