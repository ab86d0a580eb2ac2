export interface paths {
    "/api/v1/bankaccounts/user/valid": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * 계좌 예금주 실명 검증 — Verify account holder real name
         * @description 회원의 이름과 입력 계좌 예금주명의 동일 여부를 확인 합니다.
         *     * 계좌 등록 회원이 카드에 잔액을 충전하기 위해서는 출금 계좌를 등록해야 합니다. 이를 위해서 다음의 2단계를 진행하게 됩니다. 1. 계좌 예금주 실명 검증 2. ARS 인증 계좌가 등록되며 계좌를 통해 선불 카드를 충전할 수 있습니다.
         *
         *     The page's words, above; in English: checks that the member's name equals the holder name
         *     of the given bank account (synchronous). It is step 1 of registering a withdrawal account;
         *     step 2 is ARS phone authentication. Only then can the member top up a prepaid card from that
         *     account.
         *
         *     **Authentication** is carried by request headers, not an OpenAPI security scheme, because
         *     a security scheme cannot state the exact length and pattern of `X-KM-Access-Key` and
         *     `X-KM-Tran-Token`; hence `security: []`.
         *
         *     **Test data.** The page lists 13 test cases; each is one named example below, request and
         *     response sharing the name (the kit's case id), its summary the page's title verbatim.
         *     Request values are illustrative defaults (`x-konaplate-source` says which are the sandbox's
         *     test member and which are the kit's choice): a real sandbox decides outcomes by its own test
         *     members, so the conformance suite lets you override each case's request.
         */
        post: operations["verifyAccountHolder"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /** @description `yyMMddHHmmss-xxxxxxx`: 12 time digits, `-`, 7 hex characters (20 characters). */
        CorrelationId: string;
        /** @description Id of the data encryption key (32 characters). */
        CryptoKeyId: string;
        /**
         * VerifyAccountHolderRequest
         * @description The member and the bank account to compare (plain form of the request body).
         */
        VerifyAccountHolderRequest: {
            /** @description 은행 계좌번호 — bank account number, digits only (error `002_001` otherwise). */
            bankAccount: string;
            bankCode: components["schemas"]["BankCode"];
            /**
             * Format: date-yyyymmdd
             * @description 회원 생년월일 — member's birth date, `yyyyMMdd` (형식 : yyyyMMdd). The pattern fixes the
             *     shape; format `date-yyyymmdd` (the kit's, checked by its validator) adds that the date
             *     must exist in the Gregorian calendar, years 0001–9999: `20250230` and `00000101` fit the
             *     pattern but are refused.
             */
            birthDate: string;
            userId: components["schemas"]["UserId"];
            /** @description 회원 이름 — member's real name (Korean names), compared with the account holder's name. */
            userName: string;
        };
        /**
         * @description 회원 ID
         *     - 회원가입 시 부여되는 회원의 고유 ID입니다.
         *
         *     The member's unique id, given at signup; 1 … 9999999999999999999 (19 nines).
         *     This exceeds both 2^53-1 (JavaScript's safe integers) and int64, so there is no `format`:
         *     read and write it as an exact decimal integer (the kit uses `bigint` and lossless JSON).
         */
        UserId: bigint;
        /**
         * BankCode
         * @description 은행코드 — three-digit code of the account's bank (29 documented codes).
         *
         *     - `088` 신한은행 (Shinhan Bank)
         *     - `004` KB국민은행 (KB Kookmin Bank)
         *     - `020` 우리은행 (Woori Bank)
         *     - `081` 하나은행 (Hana Bank)
         *     - `003` IBK기업은행 (IBK Industrial Bank of Korea)
         *     - `002` 산업은행 (KDB Korea Development Bank)
         *     - `011` NH농협은행 (NH Nonghyup Bank)
         *     - `012` 지역농축협 (Local agricultural and livestock co-ops (member Nonghyup and Chukhyup))
         *     - `023` SC은행 (SC First Bank)
         *     - `090` 카카오뱅크 (KakaoBank)
         *     - `071` 우체국 (Korea Post)
         *     - `045` 새마을금고 (Saemaeul Geumgo (MG))
         *     - `007` 수협은행 (Suhyup Bank)
         *     - `048` 신협 (Shinhyup (credit unions))
         *     - `032` 부산은행 (Busan Bank)
         *     - `039` 경남은행 (Kyongnam Bank)
         *     - `034` 광주은행 (Gwangju Bank)
         *     - `037` 전북은행 (Jeonbuk Bank)
         *     - `035` 제주은행 (Jeju Bank)
         *     - `031` 대구은행 (Daegu Bank (iM Bank))
         *     - `064` 산림조합 (Korea Forestry Cooperatives)
         *     - `089` 케이뱅크 (K bank)
         *     - `050` 저축은행 (Savings banks)
         *     - `092` 토스뱅크 (Toss Bank)
         *     - `027` 씨티은행 (Citibank Korea)
         *     - `240` 삼성증권 (Samsung Securities)
         *     - `269` 한화투자 (Hanwha Investment & Securities)
         *     - `278` 신한투자 (Shinhan Investment (Securities))
         *     - `261` 교보증권 (Kyobo Securities)
         * @enum {string}
         */
        BankCode: "088" | "004" | "020" | "081" | "003" | "002" | "011" | "012" | "023" | "090" | "071" | "045" | "007" | "048" | "032" | "039" | "034" | "037" | "035" | "031" | "064" | "089" | "050" | "092" | "027" | "240" | "269" | "278" | "261";
        /**
         * EncryptedPayload
         * @description Encrypted form of a request or response body: JWE compact serialization, key wrap
         *     RSA-OAEP-256 with the recipient's RSA-2048 public key, content A128GCM (A256GCM also seen).
         *     `X-KM-Crypto-Key-Id` names the key. The integrity token signs this wrapped body. Encrypted
         *     answers come back in the same form, readable with the client's private key.
         */
        EncryptedPayload: {
            /** @description JWE compact serialization (five base64url parts). */
            encData: string;
        };
        /**
         * ResponseCode
         * @description A well-formed result code `NNN_NNN`. Not every code is documented: two documented test
         *     cases come without one, so any code of this shape is valid. The shape is the kit's inference
         *     from the documented codes (`000_000`, `002_001` …); no source states a format.
         */
        ResponseCode: string;
        /**
         * DocumentedCode
         * @description The documented result codes, each with its English message (verbatim) and Korean meaning.
         *
         *     - `000_000` Success (성공)
         *     - `002_001` Bank account is length over limit or including not-number digit. (계좌의 길이가 잘못되었거나 숫자가 아닌 값을 포함하고 있습니다.)
         *     - `002_002` No response name check api. (PG사와 통신 오류가 발생하여 계좌의 예금주 실명 조회 실패 했습니다.)
         *     - `002_003` Names are not matched. (계좌의 예금주 실명과 회원의 실명이 다릅니다.)
         *     - `002_004` Bank is not valid to check account info. (은행 업무 개시 전으로 계좌 정보 수신 불가능 합니다.)
         *     - `002_005` User info not found. (입력한 회원 정보(생년월일)로 은행 계좌 정보를 찾을 수 없습니다.)
         *     - `002_006` Bank is not valid. (은행의 서비스 가능 시간이 아님에 따라(시스템 점검/야간 지연 등) 계좌 정보 확인 불가능 합니다.)
         *     - `002_007` Bank account is not found. (입력한 계좌 번호로 은행 계좌를 찾을 수 없습니다.)
         *     - `002_008` Bank account's status is not valid. (거래 불가 상태의 계좌입니다.)
         *     - `002_009` Bank account is not valid for holder's name check. (입력한 계좌는 실명 확인 용도로 사용할 수 없습니다.)
         * @enum {string}
         */
        DocumentedCode: "000_000" | "002_001" | "002_002" | "002_003" | "002_004" | "002_005" | "002_006" | "002_007" | "002_008" | "002_009";
        /**
         * ResultStatus
         * @description The `response` member of every envelope.
         */
        ResultStatus: {
            /**
             * @description The result code; the documented ones are named, any well-formed code is valid. Written
             *     as a condition (a documented code, or else a well-formed one), not `anyOf`, so a
             *     malformed code is reported once, as the broken pattern.
             */
            code: components["schemas"]["DocumentedCode"] | components["schemas"]["ResponseCode"];
            /** @description The result message (the page's 메시지, e.g. `Names are not matched.`). */
            description: string;
        };
        /**
         * SuccessEnvelope
         * @description `{"response": {"code": "000_000", "description": "Success"}}`. Field names come from public
         *     sandbox integrations; the page lists codes and messages only. Other fields, if any, sit
         *     beside `response`.
         */
        SuccessEnvelope: {
            response: components["schemas"]["ResultStatus"] & {
                /** @constant */
                code?: "000_000";
            };
        };
        /**
         * ErrorEnvelope
         * @description `{"response": {"code": "002_003", "description": "Names are not matched."}}`: any
         *     well-formed code except `000_000`. Field names come from public sandbox integrations.
         */
        ErrorEnvelope: {
            response: components["schemas"]["ResultStatus"] & {
                code?: string;
            };
        };
        /**
         * VerifyAccountHolderBody
         * @description The request body on the wire: an object with `encData` is the encrypted form
         *     (`EncryptedPayload`), any other body is judged as the plain form
         *     (`VerifyAccountHolderRequest`). A condition, not `oneOf`, so a broken rule of one form is
         *     reported once, never again as a mismatch of the other form.
         */
        VerifyAccountHolderBody: components["schemas"]["EncryptedPayload"] | components["schemas"]["VerifyAccountHolderRequest"];
        /**
         * SuccessBody
         * @description The 200 answer on the wire; with `encData` it is the encrypted form, otherwise the plain `SuccessEnvelope`.
         */
        SuccessBody: components["schemas"]["EncryptedPayload"] | components["schemas"]["SuccessEnvelope"];
        /**
         * ErrorBody
         * @description The 400 answer on the wire; with `encData` it is the encrypted form, otherwise the plain `ErrorEnvelope`.
         */
        ErrorBody: components["schemas"]["EncryptedPayload"] | components["schemas"]["ErrorEnvelope"];
    };
    responses: never;
    parameters: {
        /**
         * @description ASP ID
         *     - 서비스 사업자에게 부여한 ID입니다.
         *     - ID는 계약 시 제공됩니다.
         *
         *     Given to the service provider at contract time (15 characters).
         * @example KONAPLATEASP001
         */
        UserAspId: string;
        /**
         * @description 전문 추적을 위한 거래번호
         *     - 형식 : yyMMddHHmiSS-xxxxxxx
         *     - xxxxxxx : 7자리, Hex String
         *
         *     Transaction number that traces one exchange: 12 time digits `yyMMddHHmmss` (the page's `mi`
         *     is minutes), `-`, 7 hex characters.
         * @example 261124231500-0a1b2c3
         */
        CorrelationId: components["schemas"]["CorrelationId"];
        /**
         * @description 프로젝트에서 생성된 Access Key
         *     - Callback API 인 경우는 제외합니다.
         *
         *     The project's access key (40 characters). The page marks it *conditional*: it is absent only
         *     for callback APIs, so this operation requires it.
         * @example AK00000000000000000000000000000000000001
         */
        AccessKey: string;
        /**
         * @description 데이터암복호화 키 ID
         *     - 서비스 사업자의 프로젝트에서 생성 시 부여한 ID입니다
         *     - 데이터 암호화 요청 시 필수 입력값입니다. (Data Encryption = Y)
         *
         *     Id of the data encryption key, issued when the provider's project was created (32
         *     characters). Required when the body is encrypted.
         * @example 0123456789abcdef0123456789abcdef
         */
        CryptoKeyId: components["schemas"]["CryptoKeyId"];
        /**
         * @description 공통 Header 정보 - X-KM-Tran-Token
         *
         *     (The page's words, a no-break space included: it refers to the platform's common header
         *     information, whose guideline defines the token.) Integrity token: `KMV1:` + request time as 17 digits `yyyyMMddHHmmssSSS` + `:` +
         *     Base64(HMAC-SHA256(secretKey, body)), where `body` is the exact request body string on the
         *     wire (after encryption, if any). 5 + 17 + 1 + 44 = 67 characters. The secret key is issued
         *     with the access key when the provider's project is created; it never travels itself.
         * @example KMV1:20261124231500123:wQEZ5ABxaGZ8bq2XItZ03QpWkRSxk0m0mF9VwC3lbSg=
         */
        TranToken: string;
        /**
         * @description 클라이언트 요청 시간
         *     - 형식 : YYYYMMDDHHMMSS
         *
         *     Client request time `yyyyMMddHHmmss` (14 digits), wall clock in `X-KM-Time-Zone`.
         * @example 20261124231500
         */
        TranTime: string;
        /**
         * @description 시간대 정보 (UTC, KST, ...)
         *
         *     Time zone of `X-KM-Tran-Time`, three characters.
         * @example KST
         */
        TimeZone: string;
    };
    requestBodies: never;
    headers: {
        /**
         * @description 전문 추적을 위한 거래번호
         *     - 형식 : yyMMddHHmiSS-xxxxxxx
         *     - xxxxxxx : 7자리, Hex String
         *
         *     Tracking number of the exchange, same format as the request header; expected to echo the
         *     request's.
         * @example 261124231500-0a1b2c3
         */
        CorrelationId: components["schemas"]["CorrelationId"];
        /**
         * @description 데이터암복호화 키 ID
         *     - 서비스 사업자의 프로젝트에서 생성 시 부여한 ID입니다
         *     - Callback으로 전달될 경우 서비스 사업자에게 발급된 키 중 가장 먼저 발급된 키를 사용 합니다.
         *
         *     Id of the key the answer is encrypted for, given when the provider's project was created
         *     (32 characters). For callbacks, the earliest key issued to the provider is used.
         * @example 0123456789abcdef0123456789abcdef
         */
        CryptoKeyId: components["schemas"]["CryptoKeyId"];
    };
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    verifyAccountHolder: {
        parameters: {
            query?: never;
            header: {
                /**
                 * @description ASP ID
                 *     - 서비스 사업자에게 부여한 ID입니다.
                 *     - ID는 계약 시 제공됩니다.
                 *
                 *     Given to the service provider at contract time (15 characters).
                 * @example KONAPLATEASP001
                 */
                "X-KM-User-AspId": components["parameters"]["UserAspId"];
                /**
                 * @description 전문 추적을 위한 거래번호
                 *     - 형식 : yyMMddHHmiSS-xxxxxxx
                 *     - xxxxxxx : 7자리, Hex String
                 *
                 *     Transaction number that traces one exchange: 12 time digits `yyMMddHHmmss` (the page's `mi`
                 *     is minutes), `-`, 7 hex characters.
                 * @example 261124231500-0a1b2c3
                 */
                "X-KM-Correlation-Id": components["parameters"]["CorrelationId"];
                /**
                 * @description 프로젝트에서 생성된 Access Key
                 *     - Callback API 인 경우는 제외합니다.
                 *
                 *     The project's access key (40 characters). The page marks it *conditional*: it is absent only
                 *     for callback APIs, so this operation requires it.
                 * @example AK00000000000000000000000000000000000001
                 */
                "X-KM-Access-Key": components["parameters"]["AccessKey"];
                /**
                 * @description 데이터암복호화 키 ID
                 *     - 서비스 사업자의 프로젝트에서 생성 시 부여한 ID입니다
                 *     - 데이터 암호화 요청 시 필수 입력값입니다. (Data Encryption = Y)
                 *
                 *     Id of the data encryption key, issued when the provider's project was created (32
                 *     characters). Required when the body is encrypted.
                 * @example 0123456789abcdef0123456789abcdef
                 */
                "X-KM-Crypto-Key-Id"?: components["parameters"]["CryptoKeyId"];
                /**
                 * @description 공통 Header 정보 - X-KM-Tran-Token
                 *
                 *     (The page's words, a no-break space included: it refers to the platform's common header
                 *     information, whose guideline defines the token.) Integrity token: `KMV1:` + request time as 17 digits `yyyyMMddHHmmssSSS` + `:` +
                 *     Base64(HMAC-SHA256(secretKey, body)), where `body` is the exact request body string on the
                 *     wire (after encryption, if any). 5 + 17 + 1 + 44 = 67 characters. The secret key is issued
                 *     with the access key when the provider's project is created; it never travels itself.
                 * @example KMV1:20261124231500123:wQEZ5ABxaGZ8bq2XItZ03QpWkRSxk0m0mF9VwC3lbSg=
                 */
                "X-KM-Tran-Token": components["parameters"]["TranToken"];
                /**
                 * @description 클라이언트 요청 시간
                 *     - 형식 : YYYYMMDDHHMMSS
                 *
                 *     Client request time `yyyyMMddHHmmss` (14 digits), wall clock in `X-KM-Time-Zone`.
                 * @example 20261124231500
                 */
                "X-KM-Tran-Time": components["parameters"]["TranTime"];
                /**
                 * @description 시간대 정보 (UTC, KST, ...)
                 *
                 *     Time zone of `X-KM-Tran-Time`, three characters.
                 * @example KST
                 */
                "X-KM-Time-Zone": components["parameters"]["TimeZone"];
            };
            path?: never;
            cookie?: never;
        };
        /**
         * @description Plain JSON, or — when message encryption is on — the same JSON wrapped as
         *     `{"encData": "<JWE>"}` (the page marks this body "암호화 처리", encrypted).
         */
        requestBody: {
            content: {
                "application/json": components["schemas"]["VerifyAccountHolderBody"];
            };
        };
        responses: {
            /** @description 성공 — Success (code `000_000`). */
            200: {
                headers: {
                    "X-KM-Correlation-Id": components["headers"]["CorrelationId"];
                    "X-KM-Crypto-Key-Id": components["headers"]["CryptoKeyId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessBody"];
                };
            };
            /**
             * @description Verification failed or was not possible; `response.code` says why (`002_001` … `002_009`
             *     are documented). Two documented test cases have no documented code: any well-formed
             *     `NNN_NNN` code is valid.
             */
            400: {
                headers: {
                    "X-KM-Correlation-Id": components["headers"]["CorrelationId"];
                    "X-KM-Crypto-Key-Id": components["headers"]["CryptoKeyId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
}
