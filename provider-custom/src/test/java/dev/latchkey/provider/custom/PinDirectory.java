package dev.latchkey.provider.custom;

import dev.latchkey.testkit.fake.JsonReply;
import java.util.Map;

/**
 * The accounts the tests' functions know: a username and a PIN each. The same rules run in
 * process ({@link #function()}) and behind the fake webhook ({@link #webhookAnswer(Map)}).
 */
final class PinDirectory {
    static final String CALEB_PIN = "pin-of-caleb-7319";
    static final String ALICE_PIN = "pin-of-alice-2846";
    static final String WRONG = "unknown user or wrong PIN";
    static final String MISSING = "username and pin are required strings";

    private static final Map<String, String> PINS = Map.of("caleb", CALEB_PIN, "alice", ALICE_PIN);
    private static final Map<String, String> NAMES = Map.of("caleb", "Caleb Smith", "alice", "Alice Jones");

    private PinDirectory() {
    }

    static AuthFunction function() {
        return payload -> {
            if (!(payload.get("username") instanceof String username) || !(payload.get("pin") instanceof String pin)) {
                throw new IllegalArgumentException(MISSING);
            }
            if (!pin.equals(PINS.get(username))) {
                throw new SecurityException(WRONG);
            }
            return FunctionIdentity.of("user-" + username, NAMES.get(username));
        };
    }

    static JsonReply webhookAnswer(Map<String, Object> payload) {
        if (!(payload.get("username") instanceof String username) || !(payload.get("pin") instanceof String pin)) {
            return JsonReply.status(400, Map.of("error", MISSING));
        }
        if (!pin.equals(PINS.get(username))) {
            return JsonReply.status(401, Map.of("error", WRONG));
        }
        return JsonReply.ok(Map.of("id", "user-" + username, "name", NAMES.get(username)));
    }
}
