package dev.latchkey.testkit.contract;

import dev.latchkey.api.ApiKey;
import dev.latchkey.api.Credentials;
import dev.latchkey.api.ProviderTypes;
import dev.latchkey.api.spi.CredentialProvider;
import dev.latchkey.core.builtin.ApiKeyProvider;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Core's {@code api-key} provider keeps the contract. Keys are minted through the engine as
 * server API keys (each makes a server user): anonymous users cannot have keys. A key is a
 * 16-character id and a 48-character secret, 64 letters and digits in all.
 */
class ApiKeyProviderContractTest extends CredentialProviderContract {
    private static final int ID_LENGTH = 16;
    private static final String ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private final SecureRandom random = new SecureRandom();
    private ApiKey keyA;
    private ApiKey keyB;

    @Override
    protected CredentialProvider createProvider() {
        return new ApiKeyProvider();
    }

    @Override
    protected Credentials validCredentials(ContractEnvironment env) {
        return Credentials.apiKey(keys(env).get(0).value());
    }

    @Override
    protected Credentials otherAccountCredentials(ContractEnvironment env) {
        return Credentials.apiKey(keys(env).get(1).value());
    }

    /** Key A's id with a secret of the right shape but the wrong value (SECURITY.md #16). */
    @Override
    protected Optional<Credentials> invalidCredentials(ContractEnvironment env) {
        String real = keys(env).get(0).value();
        String wrong;
        do {
            wrong = real.substring(0, ID_LENGTH) + randomAlphanumeric(48);
        } while (wrong.equals(real));
        return Optional.of(Credentials.apiKey(wrong));
    }

    /** The defaults, and keys of the wrong length or alphabet. */
    @Override
    protected List<Credentials> malformedCredentials(ContractEnvironment env) {
        String key = keys(env).get(0).value();
        List<Credentials> hostile = new ArrayList<>(super.malformedCredentials(env));
        for (String bad : List.of(
                key.substring(0, 63),
                key + "A",
                key.substring(0, ID_LENGTH),
                key.substring(0, 63) + "-",
                key.substring(0, 63) + "=",
                key.substring(0, 62) + "+/",
                key.substring(0, 63) + "\u00e9",
                key.substring(0, 63) + "\u0661",
                " " + key.substring(1),
                key.substring(0, 32) + " " + key.substring(33))) {
            hostile.add(Credentials.apiKey(bad));
        }
        hostile.add(Credentials.of(ProviderTypes.API_KEY, Map.of("key", key, "name", "extra-field")));
        hostile.add(Credentials.of(ProviderTypes.API_KEY, Map.of("apiKey", key)));
        return hostile;
    }

    /**
     * The secret of a key is what follows its 16-character id: the id is public (it is the key's
     * {@code ApiKey.id()} and the identity's subject), so it must not count as a secret.
     */
    @Override
    protected Set<String> secretsOf(Credentials credentials) {
        Set<String> secrets = new LinkedHashSet<>();
        for (Object value : credentials.payload().values()) {
            if (value instanceof String s && s.length() >= ID_LENGTH + 8) {
                secrets.add(s.substring(ID_LENGTH));
            }
        }
        return secrets;
    }

    /** The provider takes no settings, so any setting is a bad one. */
    @Override
    protected Optional<Map<String, Object>> invalidSettings() {
        return Optional.of(Map.of("maxKeysPerUser", 5));
    }

    private List<ApiKey> keys(ContractEnvironment env) {
        if (keyA == null) {
            keyA = env.service().createServerApiKey("contract-key-a");
            keyB = env.service().createServerApiKey("contract-key-b");
        }
        return List.of(keyA, keyB);
    }

    private String randomAlphanumeric(int length) {
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(ALPHANUMERIC.charAt(random.nextInt(ALPHANUMERIC.length())));
        }
        return sb.toString();
    }
}
