/**
 * @module subject
 * `failover-drill/subject`: the contract a drilled subject keeps, the answer helpers subjects
 * that wrap an SDK use, and the drill of a subject for programmatic use.
 */
export type { CreateSubject, DrillSubject, SubjectContext, SubjectProvider } from './contract.js';
export { chatAnswer, errorAnswer, sseAnswer, textStreamAnswer } from './answers.js';
export type { ChatAnswer, TextStreamPiece } from './answers.js';
export { loadSubject, SHIPPED_SUBJECTS } from './load-subject.js';
export type { LoadedSubject } from './load-subject.js';
export { drillSubject, SUBJECT_REQUEST_TIMEOUT_MS } from './drill-subject.js';
export type { SubjectDrillOptions, SubjectDrillResult } from './drill-subject.js';
export { EscapeError } from './virtual-globals.js';
