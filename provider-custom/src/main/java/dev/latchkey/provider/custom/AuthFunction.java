package dev.latchkey.provider.custom;

import java.util.Map;

/**
 * The application's own log-in check for the {@code custom-function} provider, run in this
 * process: it reads the payload of {@code Credentials.function(payload)} and says which of the
 * application's accounts it proves. Register it on the builder,
 * {@code Latchkey.app(id).service(AuthFunction.class, payload -> ...)} (or
 * {@code LatchkeyOptions.builder(..).service(AuthFunction.class, ...)} with Guice), or ship it in a
 * jar with {@code @AutoService(AuthFunction.class)} so {@link java.util.ServiceLoader} finds it;
 * the provider's settings must then have no {@code webhookUrl}.
 *
 * <p>Called on one of the engine's worker threads, possibly by many threads at once, and given up
 * after the provider's {@code timeout} (the thread is interrupted). Whatever goes wrong is the
 * user's INVALID_CREDENTIALS: an exception's message (one line, at most 200 characters, with the
 * payload's values blanked out) is the error's message; the stack trace and the cause are dropped.
 *
 * <pre>{@code
 * AuthFunction fn = payload -> {
 *     Object user = payload.get("username");
 *     if (!(user instanceof String name) || !myUsers.check(name, payload.get("pin"))) {
 *         throw new IllegalArgumentException("unknown user or wrong PIN");
 *     }
 *     return FunctionIdentity.of(myUsers.idOf(name), name);
 * };
 * }</pre>
 */
@FunctionalInterface
public interface AuthFunction {

    /**
     * Decides whose the payload is.
     *
     * @param payload the credentials' payload: an unmodifiable map of JSON values (strings,
     *     numbers, booleans, null, lists, maps), as the client sent it; it may hold passwords, so
     *     do not log it
     * @return the account the payload proves: its id, stable for the account (the same id logs in
     *     to the same user; a new id makes a new user), and optionally a display name. Null, or a
     *     blank id, refuses the log-in
     * @throws Exception to refuse the log-in; the message is shown to the caller, so say why
     *     without secrets
     */
    FunctionIdentity authenticate(Map<String, Object> payload) throws Exception;
}
