/** Writes docs/reliability.md from the fault suite's rows (test/helpers/scorecard.ts). */
export {};
