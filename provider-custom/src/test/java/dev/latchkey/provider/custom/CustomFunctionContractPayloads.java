package dev.latchkey.provider.custom;

import dev.latchkey.api.Credentials;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Hostile {@code custom-function} payloads both contract tests use. */
final class CustomFunctionContractPayloads {
    private CustomFunctionContractPayloads() {
    }

    static List<Credentials> malformed() {
        return List.of(
                Credentials.function(Map.of("username", "caleb", "pin", "p".repeat(CustomFunctionSettings.DEFAULT_MAX_PAYLOAD_BYTES))),
                Credentials.function(Map.of("padding", Arrays.asList(new Object[5_000]))),
                Credentials.function(Map.of()),
                Credentials.function(Map.of("username", "caleb")),
                Credentials.function(Map.of("username", 42, "pin", true)),
                Credentials.function(Map.of("username", "caleb\r\nX-Injected: yes", "pin", "pin-with-nul\u0000-1234")),
                Credentials.function(Map.of("username", List.of("caleb"), "pin", Map.of("value", PinDirectory.CALEB_PIN))));
    }
}
