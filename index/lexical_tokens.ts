/**
 * The lexical channel's tokenizer, shared with the serve stage through the root module.
 * @module
 */
export { filterValueKey, foldPlural, lexicalTokens } from "../tokens.ts";
