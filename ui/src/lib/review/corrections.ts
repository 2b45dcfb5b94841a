/** The flag kind the core stores a withdrawal as (`corrections::WITHDRAWN`). */
export const WITHDRAWN = "withdrawn";
