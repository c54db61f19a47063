package com.example.latchkey.github;

import dev.latchkey.api.Credentials;
import dev.latchkey.api.spi.CredentialProvider;
import dev.latchkey.testkit.contract.ContractEnvironment;
import dev.latchkey.testkit.contract.ContractTimeouts;
import dev.latchkey.testkit.contract.CredentialProviderContract;
import dev.latchkey.testkit.contract.MalformedPayloads;
import dev.latchkey.testkit.fake.FakeBackend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code oauth2-github} keeps the whole Latchkey provider contract, the backend rules included,
 * against a {@link FakeGitHub}. The contract logs in with one credential many times, so the fake
 * keeps codes here; that a code works once is {@link GitHubProviderTest}'s. The provider's timeout
 * is 1 s, so the stall rule is held to 5 s.
 */
class GitHubProviderContractTest extends CredentialProviderContract {
    static final FakeGitHub.Account ALICE = new FakeGitHub.Account(1001, "alice", "Alice Smith",
            List.of(new FakeGitHub.Email("alice@example.com", true, true)));
    static final FakeGitHub.Account BOB = new FakeGitHub.Account(1002, "bob", "Bob Jones",
            List.of(new FakeGitHub.Email("bob@example.com", true, true)));

    private final FakeGitHub github = new FakeGitHub().reusableCodes();

    @Override
    protected CredentialProvider createProvider() {
        return new GitHubProvider();
    }

    @Override
    protected Optional<FakeBackend> backend() {
        return Optional.of(github);
    }

    @Override
    protected Map<String, Object> settings() {
        return Map.of("clientId", github.clientId, "clientSecret", github.clientSecret,
                "tokenUrl", github.tokenUrl(), "apiUrl", github.apiUrl(), "timeout", "PT1S");
    }

    @Override
    protected ContractTimeouts timeouts() {
        return ContractTimeouts.defaults().withBackendStall(Duration.ofSeconds(5));
    }

    @Override
    protected Credentials validCredentials(ContractEnvironment env) {
        return code(github.issueCode(ALICE));
    }

    @Override
    protected Credentials otherAccountCredentials(ContractEnvironment env) {
        return code(github.issueCode(BOB));
    }

    /** A code of GitHub's shape that GitHub never issued. */
    @Override
    protected Optional<Credentials> invalidCredentials(ContractEnvironment env) {
        return Optional.of(code("0123456789abcdef0123"));
    }

    /** The default set, plus a hostile {@code redirectUri} of every kind beside a valid code. */
    @Override
    protected List<Credentials> malformedCredentials(ContractEnvironment env) {
        List<Credentials> all = new ArrayList<>(super.malformedCredentials(env));
        String code = github.issueCode(ALICE);
        List<Object> redirects = new ArrayList<>(MalformedPayloads.wrongValues("https://app.example.com/callback"));
        redirects.addAll(MalformedPayloads.hostileStrings("https://app.example.com/callback"));
        redirects.add("javascript:alert(1)");
        for (Object redirect : redirects) {
            Map<String, Object> payload = new LinkedHashMap<>();
            payload.put("code", code);
            payload.put("redirectUri", redirect);
            all.add(Credentials.of(GitHubProvider.TYPE, payload));
        }
        return all;
    }

    /** No client secret. */
    @Override
    protected Optional<Map<String, Object>> invalidSettings() {
        return Optional.of(Map.of("clientId", github.clientId, "tokenUrl", github.tokenUrl(), "apiUrl", github.apiUrl()));
    }

    static Credentials code(String code) {
        return Credentials.of(GitHubProvider.TYPE, Map.of("code", code));
    }
}
