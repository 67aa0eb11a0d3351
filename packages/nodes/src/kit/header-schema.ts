import { z } from 'zod';

/**
 * Header names and values as Node's http module accepts them (`validateHeaderName`,
 * `validateHeaderValue`): a name is an RFC 9110 token; a value is tab, visible ASCII, space or
 * obs-text (0x80–0xFF). A CR or LF in a value would split the header (response splitting, request
 * smuggling), so both are refused when the step's input is checked, before anything is sent.
 */
export const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
export const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

export const headerNameSchema = z.string().regex(HEADER_NAME, 'Expected a header name (RFC 9110 token characters)');
export const headerValueSchema = z
  .string()
  .regex(HEADER_VALUE, 'A header value cannot contain line breaks or control characters');
