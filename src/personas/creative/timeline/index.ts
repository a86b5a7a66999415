/**
 * The creative timeline: the versions of a project (or of one file) with the
 * thumbnails stored at commit time.
 *
 * - **Version**: one snapshot on the first-parent line, with its milestone and
 *   tag names, change counts and changed files (TimelineVersion).
 * - **Timeline file**: a changed file with its thumbnail in that version and,
 *   when modified or deleted, the thumbnail of the version before.
 * - **Thumbnail diff**: the changed pixels between those two thumbnails.
 *
 * Everything reads trees and stored thumbnails only; no original is decoded.
 */
export {
  timelineVersions,
  storedThumbnail,
  normalizeProjectPath,
  type TimelineFile,
  type TimelineOptions,
  type TimelineVersion,
} from './timelineVersions.js';
export { timelineHtml, escapeHtml, type TimelineHtml, type TimelineHtmlOptions } from './timelineHtml.js';
export { timelineText, type TimelineTextOptions } from './timelineText.js';
export { thumbnailDiff, type ThumbnailDiff } from './thumbnailDiff.js';
