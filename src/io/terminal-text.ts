/**
 * Text from templates (logical IDs, descriptions, handlers, paths) and from tools reaches the terminal in every
 * human-readable line. A raw ESC or BEL in it would be obeyed by the terminal: it could recolour, move the cursor,
 * rewrite earlier lines, set the window title or ring the bell. Every human renderer passes its text through
 * `escapeControl`; JSON output needs nothing (JSON.stringify escapes control characters itself).
 */

/**
 * C0 controls except tab and line feed, DEL, C1 controls, and the Unicode bidirectional overrides and isolates
 * (which reorder what is shown, "Trojan Source").
 */
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g

/** `text` with every control character written as a visible escape: ESC → `\x1b`, BEL → `\x07`, U+202E → `\u202e`. */
export function escapeControl(text: string): string {
  return text.replace(UNSAFE, (char) => {
    const code = char.charCodeAt(0)
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`
  })
}
