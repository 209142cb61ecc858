/**
 * Text a spreadsheet would take for a formula (= + - @, or a leading TAB or CR that some
 * programs strip first) gets a leading apostrophe, so it is shown, never evaluated. A bidder
 * chooses its own display name, so every text cell of every export goes through this.
 * Numbers are never text here: they stay numbers.
 */
export function neutraliseFormula(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}
