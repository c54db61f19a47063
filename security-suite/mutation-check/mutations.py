# The scratch mutations of security-suite/mutation-check/run.sh: name -> (module, file or None, edits).
# Each edit removes one protection; a file of None means the edits name their own files.
# name -> (module, file, [(old, new), ...])
M = {
 "01-access-token-alg-check": ("auth-core", "auth-core/src/main/java/dev/latchkey/core/token/AccessTokens.java",
   [("if (!JWSAlgorithm.RS256.getName().equals(alg)) {", "if (false) {")]),
 "02-custom-jwt-key-decides-alg": ("provider-custom", "provider-custom/src/main/java/dev/latchkey/provider/custom/CustomJwtProvider.java",
   [("if (alg.toLowerCase(Locale.ROOT).equals(\"none\")) {", "if (false) {"),
    ("List<VerificationKey> fit = s.staticKeys().stream().filter(k -> k.algorithm().getName().equals(alg)).toList();", "List<VerificationKey> fit = s.staticKeys();"),
    ("if (!JWKS_ALGORITHMS.contains(alg)) {", "if (false) {"),
    ("if (!key.algorithm().getName().equals(alg)) {", "if (false) {")]),
 "03-custom-jwt-kid-shape": ("provider-custom", "provider-custom/src/main/java/dev/latchkey/provider/custom/CustomJwtProvider.java",
   [("if (kid == null || !Tokens.isSaneKid(kid)) {", "if (kid == null) {")]),
 "04-dummy-hash": ("provider-email", "provider-email/src/main/java/dev/latchkey/provider/email/EmailPasswordProvider.java",
   [("            s.hasher().burn(password);", "            // mutated: no dummy hash")]),
 "05-refresh-expiry-check": ("auth-core", "auth-core/src/main/java/dev/latchkey/core/engine/DefaultAuthService.java",
   [("if (now.isAfter(session.expiresAt())) {", "if (false) {")]),
 "06-throttle": ("auth-core", "auth-core/src/main/java/dev/latchkey/core/engine/LogInThrottle.java",
   [("        if (!enabled) {\n            return new Attempt(null, null);", "        if (true) {\n            return new Attempt(null, null);")]),
 "07-facebook-picture-url": ("provider-oauth", "provider-oauth/src/main/java/dev/latchkey/provider/oauth/FacebookProvider.java",
   [("p.pictureUrl(safePictureUrl(url, token, s.settings().appSecret()));", "p.pictureUrl(url);")]),
 "08-apple-nonce": ("provider-oauth", "provider-oauth/src/main/java/dev/latchkey/provider/oauth/AppleProvider.java",
   [("if (nonce != null || s.requireNonce() || claims.getClaim(NONCE) != null) {", "if (false) {")]),
 "09-google-audience": ("provider-oauth", "provider-oauth/src/main/java/dev/latchkey/provider/oauth/IdTokenVerifier.java",
   [("|| aud.stream().noneMatch(audiences::contains)) {", ") {")]),
 "10-reset-token-single-use": ("provider-email", "provider-email/src/main/java/dev/latchkey/provider/email/PendingTokens.java",
   [("        if (purpose == Purpose.CONFIRM) {\n            tx.put(found.get().key(), r.usedNow().toJson(), found.get().index());\n        } else {\n            tx.delete(found.get().key());\n        }", "        // mutated: the token is not spent")]),
 "10b-reset-token-single-use-and-drop-all": ("provider-email", None, [
   ("provider-email/src/main/java/dev/latchkey/provider/email/PendingTokens.java", "        if (purpose == Purpose.CONFIRM) {\n            tx.put(found.get().key(), r.usedNow().toJson(), found.get().index());\n        } else {\n            tx.delete(found.get().key());\n        }", "        // mutated: the token is not spent"),
   ("provider-email/src/main/java/dev/latchkey/provider/email/EmailPasswordProvider.java", "s.tokens().dropAll(tx, a.email());", "// mutated: tokens not dropped")]),
 "11b-api-key-disabled-check-both": ("auth-core", None, [
   ("auth-core/src/main/java/dev/latchkey/core/builtin/ApiKeyProvider.java", "if (!record.get().enabled()) {", "if (false) {"),
   ("auth-core/src/main/java/dev/latchkey/core/engine/DefaultAuthService.java", "if (provider instanceof ApiKeyManager keys && !keys.find(user.id(), identity.subject()).map(ApiKey::enabled).orElse(false)) {", "if (false) {")]),
 "11-api-key-disabled-check": ("auth-core", "auth-core/src/main/java/dev/latchkey/core/builtin/ApiKeyProvider.java",
   [("if (!record.get().enabled()) {", "if (false) {")]),
 "12-session-cache-permissions": ("auth-core", "auth-core/src/main/java/dev/latchkey/core/files/PrivateFiles.java",
   [("        if (!ownerOnly(attributes)) {\n            throw new UntrustedFileException(file + \" has permissions \"", "        if (false) {\n            throw new UntrustedFileException(file + \" has permissions \"")]),
 "13-log-out-ends-session": ("auth-core", "auth-core/src/main/java/dev/latchkey/core/engine/DefaultAuthService.java",
   [("store.findSessionByTokenHash(Secrets.sha256(refreshToken)).ifPresent(s -> store.deleteSession(s.id()));", "// mutated: log-out forgets nothing")]),
}
import sys
name = sys.argv[1]
if sys.argv[2] == "list":
    print("\n".join(M)); sys.exit()
mod, path, edits = M[name]
if sys.argv[2] == "module":
    print(mod); sys.exit()
if path is not None:
    edits = [(path, o, n) for o, n in edits]
for p, old, new in edits:
    s = open(p).read()
    assert s.count(old) == 1, (name, old, s.count(old))
    s = s.replace(old, new)
    open(p, "w").write(s)
print(" ".join(sorted(set(p for p, _, _ in edits))))
