// The package's public entry: the client, its typed errors, and the tables generated from the spec.
export {
  createKonaplateClient,
  DEFAULT_MAX_RESPONSE_BYTES,
  DEFAULT_TIME_ZONE,
  DEFAULT_TIMEOUT_MS,
  type EncryptionOptions,
  type KonaplateClient,
  type KonaplateClientOptions,
  type ResponseEnvelope,
  type ResultCode,
  type TimeZone,
  type UndocumentedCode,
  type VerificationFailure,
  type VerificationSuccess,
  type VerifyAccountHolderInput,
  type VerifyAccountHolderResult,
} from "./client.js";
export {
  KonaplateConfigurationError,
  KonaplateEncryptionError,
  KonaplateError,
  KonaplateNetworkError,
  KonaplateResponseError,
  KonaplateTimeoutError,
  KonaplateValidationError,
  type ConfigurationErrorKind,
  type EncryptionErrorKind,
  type KonaplateErrorJson,
  type KonaplateErrorKind,
  type NetworkErrorKind,
  type ResponseErrorKind,
  type TimeoutErrorKind,
  type ValidationErrorKind,
} from "./errors.js";
export { describeJweHeader, jweHeader, JweAlgorithmError, type JweHeader } from "./encryption.js";
export type { Violation } from "./validation.js";
export { SUPPORTED_TIME_ZONES } from "./signing.js";
export { parseJson, stringifyJson } from "./json.js";
export {
  BANKS,
  BANK_CODES,
  CASES,
  CASE_IDS,
  CODE_MESSAGES,
  DOCUMENTED_CODES,
  OPERATION,
  USER_ID_RANGE,
  type BankCode,
  type CaseDefinition,
  type CaseId,
  type DocumentedCode,
  type VerifyAccountHolderRequest,
} from "../generated/contract.js";
export type { components, operations, paths } from "../generated/schema.js";
