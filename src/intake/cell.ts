/**
 * One cell as read. `text` is what a person sees (and what reports show); `value` is kept
 * when an XLSX cell holds a number or a date, so an Excel serial is not re-parsed from text.
 */
export type Cell = { text: string; value?: number | Date };

/** One row of the sheet with its number as Excel shows it. */
export type SheetRow = { rowNumber: number; cells: Cell[] };

// trim() also takes the full-width space (U+3000) that Chinese input methods type.
export const textCell = (text: string): Cell => ({ text: text.trim() });

/** Excel's column letters, for naming a column without a header: 1 → A, 27 → AA. */
export function columnLetter(index: number): string {
  let letters = '';

  for (let n = index; n > 0; n = Math.floor((n - 1) / 26)) {
    letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  }

  return letters;
}
