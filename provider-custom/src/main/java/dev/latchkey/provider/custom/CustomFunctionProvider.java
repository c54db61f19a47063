package dev.latchkey.provider.custom;

import com.google.auto.service.AutoService;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import dev.latchkey.api.AuthException;
import dev.latchkey.api.Credentials;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.api.Identity;
import dev.latchkey.api.Profile;
import dev.latchkey.api.ProviderTypes;
import dev.latchkey.api.spi.CredentialProvider;
import dev.latchkey.api.spi.ProviderContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import okhttp3.OkHttpClient;

/**
 * The {@code custom-function} provider: the application's own code decides whose a payload is
 * ({@code Credentials.function(Map.of("username", ..., "pin", ...))}), as App Services' custom
 * function authentication does. The code is exactly one of:
 * <ul>
 *   <li>an {@link AuthFunction} in this process: the one the application registered with
 *       {@code .service(AuthFunction.class, fn)}, or else the one {@link ServiceLoader} finds
 *       (two found fail start-up, naming both);</li>
 *   <li>a webhook ({@code webhookUrl} and {@code webhookSecret}): the payload is POSTed as JSON,
 *       signed with HMAC-SHA256 (see {@code docs/providers/custom-function.md}).</li>
 * </ul>
 * A registered function and a webhook together fail start-up; with a webhook, a function on the
 * class path is not used (a warning says so).
 *
 * <p>The payload, as UTF-8 JSON, must fit {@code maxPayloadBytes} (else MALFORMED, before the
 * function runs). The function's answer, an id of 1-255 characters without control characters
 * and an optional name, becomes the identity (subject = id, profile name = name); the engine makes
 * a new user for a new id. A function that throws, answers null or a blank id, or runs past
 * {@code timeout}, and a webhook that answers non-2xx or not JSON, refuse the log-in with
 * INVALID_CREDENTIALS carrying the function's own message, without a stack trace or cause
 * (SECURITY.md #17). A webhook that cannot be reached is NETWORK. Payload values and the secret
 * are never logged nor put in a message (SECURITY.md #30).
 */
@AutoService(CredentialProvider.class)
public final class CustomFunctionProvider implements CredentialProvider {
    /** The most runs of an in-process function at once, counting those still going after their caller gave up. */
    static final int MAX_RUNNING = 32;
    private final Semaphore running = new Semaphore(MAX_RUNNING);

    private static final System.Logger LOG = System.getLogger(CustomFunctionProvider.class.getName());
    /** The longest id accepted from a function. */
    static final int MAX_ID_LENGTH = 255;
    /** The longest name accepted from a function. */
    static final int MAX_NAME_LENGTH = 255;
    private static final Gson GSON = new GsonBuilder().serializeNulls().disableHtmlEscaping().create();

    /** Where ServiceLoader looks; null for its default (the thread's context class loader). */
    private final ClassLoader serviceLoaderScope;
    private volatile Started started;

    /** How the function runs once started. */
    private interface Runner {
        FunctionIdentity run(byte[] json, Map<String, Object> payload);
    }

    private record Started(CustomFunctionSettings settings, Runner runner) {
    }

    /** Made by ServiceLoader. */
    public CustomFunctionProvider() {
        this(null);
    }

    /**
     * A provider that looks for an {@link AuthFunction} with {@link ServiceLoader} in a given class
     * loader, for tests.
     *
     * @param serviceLoaderScope the class loader, or null for ServiceLoader's default
     */
    CustomFunctionProvider(ClassLoader serviceLoaderScope) {
        this.serviceLoaderScope = serviceLoaderScope;
    }

    @Override
    public String type() {
        return ProviderTypes.CUSTOM_FUNCTION;
    }

    @Override
    public void start(ProviderContext context) {
        CustomFunctionSettings settings = context.settings(CustomFunctionSettings.class);
        Optional<AuthFunction> registered = context.optionalService(AuthFunction.class);
        Runner runner;
        if (settings.webhook()) {
            if (registered.isPresent()) {
                throw configuration("a webhookUrl is set and the application registered an AuthFunction"
                        + " (.service(AuthFunction.class, ...)): choose one");
            }
            List<String> onClassPath = discoveredTypes();
            if (!onClassPath.isEmpty()) {
                LOG.log(System.Logger.Level.WARNING, "providers.{0}: webhookUrl is set, so the AuthFunction found on the class"
                        + " path is not used: {1}", type(), onClassPath);
            }
            WebhookFunction webhook = new WebhookFunction(context.service(OkHttpClient.class), settings, context.clock());
            runner = webhook::call;
        } else {
            AuthFunction function = registered.orElseGet(this::discovered);
            ExecutorService threads = context.service(ExecutorService.class);
            runner = (json, payload) -> runInProcess(threads, function, settings.timeout(), payload);
        }
        this.started = new Started(settings, runner);
    }

    @Override
    public Identity authenticate(Credentials credentials) {
        Started s = started;
        if (s == null) {
            throw new AuthException(ErrorCode.INTERNAL, "the " + type() + " provider was not started");
        }
        if (!type().equals(credentials.providerType())) {
            throw new AuthException(ErrorCode.MALFORMED, "these are " + credentials.providerType() + " credentials; this provider"
                    + " takes " + type() + " credentials: Credentials.function(payload)");
        }
        Map<String, Object> payload = credentials.payload();
        byte[] json = GSON.toJson(payload).getBytes(StandardCharsets.UTF_8);
        if (json.length > s.settings().maxPayloadBytes()) {
            throw new AuthException(ErrorCode.MALFORMED, "the " + type() + " payload is " + json.length + " bytes as JSON;"
                    + " at most " + s.settings().maxPayloadBytes() + " are accepted (maxPayloadBytes)");
        }
        FunctionIdentity answer = s.runner().run(json, payload);
        return identity(answer, payload);
    }

    private Identity identity(FunctionIdentity answer, Map<String, Object> payload) {
        if (answer == null) {
            throw Refusals.refused("the function returned no result", payload);
        }
        String id = answer.id();
        if (id == null || id.isBlank()) {
            throw Refusals.refused("the function returned a blank id", payload);
        }
        if (id.length() > MAX_ID_LENGTH || !cleanText(id)) {
            throw Refusals.refused("the function returned an id that is longer than " + MAX_ID_LENGTH
                    + " characters or holds control characters", payload);
        }
        String name = answer.name();
        if (name != null && (name.length() > MAX_NAME_LENGTH || !cleanText(name))) {
            throw Refusals.refused("the function returned a name that is longer than " + MAX_NAME_LENGTH
                    + " characters or holds control characters", payload);
        }
        Profile profile = name == null || name.isBlank() ? Profile.EMPTY : Profile.builder().name(name).build();
        return new Identity(type(), id, profile);
    }

    /** No control characters (C0, DEL, C1, line and paragraph separators) and text every store keeps. */
    private static boolean cleanText(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                return false;
            }
        }
        return Identity.isStorableText(text);
    }

    /**
     * Runs the function on an engine thread and waits at most the timeout: a function that hangs
     * is interrupted and the log-in refused, so it cannot hold the caller.
     */
    private FunctionIdentity runInProcess(ExecutorService threads, AuthFunction function, Duration timeout,
                                          Map<String, Object> payload) {
        // A function that ignores its interrupt keeps its thread after the caller gave up: the runs
        // still going are capped, so a flood of log-ins cannot pile up threads without end.
        if (!running.tryAcquire()) {
            LOG.log(System.Logger.Level.WARNING, "{0} runs of the custom function are still going after their timeout;"
                    + " refusing more until they end", MAX_RUNNING);
            throw new AuthException(ErrorCode.PROVIDER_BACKEND, "the custom function is busy: too many of its runs have not"
                    + " ended; try again later");
        }
        Future<FunctionIdentity> run;
        try {
            run = threads.submit(() -> {
                try {
                    return function.authenticate(payload);
                } finally {
                    running.release();
                }
            });
        } catch (RejectedExecutionException e) {
            running.release();
            throw new AuthException(ErrorCode.INTERNAL, "the engine is shutting down: the custom function cannot run");
        }
        try {
            return run.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            Throwable thrown = e.getCause();
            LOG.log(System.Logger.Level.DEBUG, "the custom function threw {0}", thrown.getClass().getName());
            String message = thrown.getMessage();
            throw Refusals.refused(message == null || message.isBlank() ? "the function threw " + thrown.getClass().getSimpleName()
                    : message, payload);
        } catch (TimeoutException e) {
            run.cancel(true);
            LOG.log(System.Logger.Level.WARNING, "the custom function did not finish within {0}; it was interrupted", timeout);
            throw Refusals.refused("the function did not finish within " + timeout, payload);
        } catch (InterruptedException e) {
            run.cancel(true);
            Thread.currentThread().interrupt();
            throw new AuthException(ErrorCode.INTERNAL, "interrupted while the custom function ran");
        }
    }

    private AuthFunction discovered() {
        List<ServiceLoader.Provider<AuthFunction>> found = loadAll();
        if (found.isEmpty()) {
            throw configuration("no function to run: register one with .service(AuthFunction.class, payload -> ...) on the"
                    + " builder, ship one with @AutoService(AuthFunction.class), or set webhookUrl and webhookSecret");
        }
        if (found.size() > 1) {
            throw configuration("ServiceLoader finds " + found.size() + " AuthFunction classes: "
                    + found.stream().map(p -> p.type().getName()).toList()
                    + "; keep one on the class path, or register the one to use with .service(AuthFunction.class, ...)");
        }
        try {
            AuthFunction function = found.get(0).get();
            LOG.log(System.Logger.Level.INFO, "custom-function runs {0}, found on the class path", found.get(0).type().getName());
            return function;
        } catch (ServiceConfigurationError e) {
            throw configuration("the AuthFunction " + found.get(0).type().getName() + " cannot be made: it needs a public"
                    + " no-argument constructor that does not throw");
        }
    }

    private List<String> discoveredTypes() {
        return loadAll().stream().map(p -> p.type().getName()).toList();
    }

    private List<ServiceLoader.Provider<AuthFunction>> loadAll() {
        try {
            ServiceLoader<AuthFunction> loader = serviceLoaderScope == null ? ServiceLoader.load(AuthFunction.class)
                    : ServiceLoader.load(AuthFunction.class, serviceLoaderScope);
            return loader.stream().toList();
        } catch (ServiceConfigurationError e) {
            throw configuration("an AuthFunction registered on the class path cannot be loaded: " + e.getMessage());
        }
    }

    private AuthException configuration(String message) {
        return new AuthException(ErrorCode.CONFIGURATION, "providers." + type() + ": " + message);
    }
}
