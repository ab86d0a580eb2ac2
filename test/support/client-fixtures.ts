// Credentials and the sandbox member shared by the client tests: distinctive values, so a leak
// anywhere is found by a plain substring search.
import type { VerifyAccountHolderInput } from "../../src/index.js";

export const ASP_ID = "KONAPLATEASP001";
export const ACCESS_KEY = "AK-canary-access-key-0123456789abcdefghi";
export const SECRET_KEY = "SK-canary-secret-key-must-never-be-shown";
export const CRYPTO_KEY_ID = "0123456789abcdef0123456789abcdef";

export const KONA: VerifyAccountHolderInput = {
  userId: 9999999999999999999n,
  userName: "김코나",
  birthDate: "19751112",
  bankCode: "003",
  bankAccount: "333015555557",
};
