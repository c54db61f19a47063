package dev.latchkey.server;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dev.latchkey.api.AuthException;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.core.json.MalformedJsonException;
import dev.latchkey.core.json.StrictJson;

import java.net.URI;
import java.util.Set;

/**
 * Points the {@code local-userpass} provider's mailed links at the server's own pages
 * ({@link HostedPages}) when the configuration does not name pages of its own, so that
 * confirmation and reset by mail work without anyone writing a front end.
 *
 * <p>Only where mail is possible (the section is enabled and has {@code smtp.host}) and only for a
 * flow the configuration has not given to something else:
 * <ul>
 *   <li>{@code emailConfirmationUrl} when neither {@code autoConfirm} nor
 *       {@code runConfirmationFunction} is true;</li>
 *   <li>{@code resetPasswordUrl} when {@code runResetFunction} is not true.</li>
 * </ul>
 * A URL the configuration sets is kept; one set to JSON {@code null} stays unset (the way to say
 * "no reset by mail" while mailing confirmations). Without {@code smtp} nothing is filled in: the
 * provider would refuse mailed links anyway.
 */
final class HostedPageLinks {
    static final String PROVIDER = "local-userpass";

    private HostedPageLinks() {
    }

    /**
     * The engine's configuration with the hosted pages filled in where they apply.
     *
     * @param engineJson the configuration without the {@code server} section (already parsed once, so valid JSON)
     * @param base the server's public base URL, scheme://host[:port] without a trailing slash
     * @return the configuration to start the engine with; the text unchanged when nothing applies
     * @throws AuthException {@link ErrorCode#CONFIGURATION} when a link would be filled in but the
     *     base is plain http to another host than this machine (the provider mails links only over https)
     */
    static String fill(String engineJson, String base) {
        JsonObject root;
        try {
            root = StrictJson.parseObject(engineJson);
        } catch (MalformedJsonException e) {
            // The engine reports bad JSON with its own message when it starts: leave that to it.
            return engineJson;
        }
        if (!(root.get("providers") instanceof JsonObject providers)
                || !(providers.get(PROVIDER) instanceof JsonObject section)
                || !isTrue(section.get("enabled"))
                || !(section.get("smtp") instanceof JsonObject smtp) || !smtp.has("host")) {
            return engineJson;
        }
        boolean confirmation = !section.has("emailConfirmationUrl")
                && !isTrue(section.get("autoConfirm")) && !isTrue(section.get("runConfirmationFunction"));
        boolean reset = !section.has("resetPasswordUrl") && !isTrue(section.get("runResetFunction"));
        if (!confirmation && !reset) {
            return engineJson;
        }
        checkBase(base);
        if (confirmation) {
            section.addProperty("emailConfirmationUrl", base + HostedPages.CONFIRM_PATH);
        }
        if (reset) {
            section.addProperty("resetPasswordUrl", base + HostedPages.RESET_PATH);
        }
        return root.toString();
    }

    private static void checkBase(String base) {
        URI uri = URI.create(base);
        // The provider's rule (a link carries a secret token): https, or http to this machine only.
        if (!uri.getScheme().equals("https") && !Set.of("localhost", "127.0.0.1", "[::1]").contains(uri.getHost())) {
            throw new AuthException(ErrorCode.CONFIGURATION, "local-userpass mails links to the server's hosted pages, which"
                    + " need an https address: set server.publicUrl to the https URL clients reach the server at (now "
                    + base + "), or set emailConfirmationUrl and resetPasswordUrl to pages of your own");
        }
    }

    private static boolean isTrue(JsonElement value) {
        return value instanceof JsonPrimitive p && p.isBoolean() && p.getAsBoolean();
    }
}
