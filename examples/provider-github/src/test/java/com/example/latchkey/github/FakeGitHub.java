package com.example.latchkey.github;

import dev.latchkey.testkit.fake.BackendRequest;
import dev.latchkey.testkit.fake.JsonEndpointBackend;
import dev.latchkey.testkit.fake.JsonReply;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A fake GitHub on a loopback socket, built from the testkit's {@link JsonEndpointBackend} (so it
 * can fail on demand): the token endpoint, {@code /user} and {@code /user/emails}, answering as
 * GitHub documents. Codes are single use unless {@link #reusableCodes()}; a token gets the
 * account's emails only with the {@code user:email} scope (404 otherwise).
 */
final class FakeGitHub extends JsonEndpointBackend {
    record Email(String email, boolean primary, boolean verified) {
    }

    record Account(long id, String login, String name, List<Email> emails) {
    }

    private record Grant(Account account, String scope, String redirectUri) {
    }

    static final String EMAIL_SCOPE = "read:user,user:email";

    final String clientId = "Iv1.fakegithub" + hex(4);
    final String clientSecret = hex(20);
    private final Map<String, Grant> codes = new ConcurrentHashMap<>();
    private final Map<String, Grant> tokens = new ConcurrentHashMap<>();
    private volatile boolean reusableCodes;

    FakeGitHub() {
        route("/login/oauth/access_token", this::exchange);
        route("/user", r -> grant(r).map(g -> JsonReply.ok(user(g.account()))).orElse(badCredentials()));
        route("/user/emails", r -> grant(r).map(g -> g.scope().contains("user:email") ? JsonReply.ok(firstPage(g.account().emails(), r))
                : JsonReply.status(404, Map.of("message", "Not Found"))).orElse(badCredentials()));
    }

    /** The contract logs in many times with one credential; GitHub's codes work once. */
    FakeGitHub reusableCodes() {
        reusableCodes = true;
        return this;
    }

    String issueCode(Account account) {
        return issueCode(account, EMAIL_SCOPE, null);
    }

    String issueCode(Account account, String scope, String redirectUri) {
        String code = hex(10);
        codes.put(code, new Grant(account, scope, redirectUri));
        return code;
    }

    String tokenUrl() {
        return url("/login/oauth/access_token");
    }

    String apiUrl() {
        return url("/");
    }

    private JsonReply exchange(BackendRequest request) {
        Map<String, String> form = request.formBody();
        if (!clientId.equals(form.get("client_id")) || !clientSecret.equals(form.get("client_secret"))) {
            return error("incorrect_client_credentials");
        }
        String code = form.getOrDefault("code", "");
        Grant grant = reusableCodes ? codes.get(code) : codes.remove(code);
        if (grant == null) {
            return error("bad_verification_code");
        }
        if (form.containsKey("redirect_uri") && !form.get("redirect_uri").equals(grant.redirectUri())) {
            return error("redirect_uri_mismatch");
        }
        String token = "gho_" + hex(18);
        tokens.put(token, grant);
        return JsonReply.ok(Map.of("access_token", token, "token_type", "bearer", "scope", grant.scope()));
    }

    private Optional<Grant> grant(BackendRequest request) {
        return request.header("Authorization").filter(h -> h.startsWith("Bearer ")).map(h -> tokens.get(h.substring(7)));
    }

    /** As GitHub answers: its {@code email} is the public one, verified or not, which a provider must not trust. */
    private static Map<String, Object> user(Account a) {
        Map<String, Object> user = new LinkedHashMap<>();
        user.put("login", a.login());
        user.put("id", a.id());
        user.put("avatar_url", "https://avatars.githubusercontent.com/u/" + a.id() + "?v=4");
        user.put("name", a.name());
        user.put("email", a.emails().isEmpty() ? null : a.emails().get(0).email());
        return user;
    }

    /** GitHub pages lists: 30 entries unless {@code per_page} (at most 100) asks for more. */
    private static List<Email> firstPage(List<Email> emails, BackendRequest request) {
        int perPage = request.queryParameter("per_page").filter(p -> p.matches("[0-9]{1,3}"))
                .map(Integer::parseInt).map(p -> Math.max(1, Math.min(p, 100))).orElse(30);
        return emails.subList(0, Math.min(perPage, emails.size()));
    }

    /** GitHub refuses an exchange with HTTP 200 and an error field. */
    private static JsonReply error(String code) {
        return JsonReply.ok(Map.of("error", code, "error_description", "refused by the fake",
                "error_uri", "https://docs.github.com/apps/oauth-apps"));
    }

    private static JsonReply badCredentials() {
        return JsonReply.status(401, Map.of("message", "Bad credentials"));
    }

    private static String hex(int bytes) {
        byte[] b = new byte[bytes];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
