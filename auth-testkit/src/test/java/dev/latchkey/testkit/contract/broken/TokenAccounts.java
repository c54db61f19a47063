package dev.latchkey.testkit.contract.broken;

import dev.latchkey.api.Credentials;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;

/** Random tokens of one recognisable shape, {@code <prefix>-<name>-<32 hex>}, for the broken providers' tests. */
final class TokenAccounts {
    private final SecureRandom random = new SecureRandom();
    private final String prefix;

    TokenAccounts(String prefix) {
        this.prefix = prefix;
    }

    String token(String name) {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return prefix + "-" + name + "-" + HexFormat.of().formatHex(bytes);
    }

    Credentials credentials(String type, String name) {
        return Credentials.of(type, Map.of("token", token(name)));
    }

    /** The account name in a token of this shape, or null. */
    String nameIn(String token) {
        if (token == null || !token.startsWith(prefix + "-")) {
            return null;
        }
        String rest = token.substring(prefix.length() + 1);
        int dash = rest.indexOf('-');
        return dash > 0 && rest.length() - dash - 1 == 32 ? rest.substring(0, dash) : null;
    }
}
