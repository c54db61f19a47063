package dev.latchkey.testkit.contract;

import dev.latchkey.api.AuthService;
import dev.latchkey.api.spi.CredentialProvider;
import dev.latchkey.testkit.EngineHarness;
import dev.latchkey.testkit.TestClock;
import dev.latchkey.testkit.fake.FakeBackend;
import java.util.Optional;

/**
 * What one run of a {@link CredentialProviderContract} rule works with: a real engine started with
 * the provider under test, that provider instance (started by the engine, so it holds the real
 * {@code ProviderContext}), the engine's clock, the fake backend, and the timeouts. A new
 * environment is made for every rule and closed after it.
 */
public final class ContractEnvironment {
    private final EngineHarness engine;
    private final CredentialProvider provider;
    private final Optional<FakeBackend> backend;
    private final ContractTimeouts timeouts;

    ContractEnvironment(EngineHarness engine, CredentialProvider provider, Optional<FakeBackend> backend,
                        ContractTimeouts timeouts) {
        this.engine = engine;
        this.provider = provider;
        this.backend = backend;
        this.timeouts = timeouts;
    }

    /**
     * The running engine harness.
     *
     * @return the harness
     */
    public EngineHarness engine() {
        return engine;
    }

    /**
     * The engine, for engine-level calls (log in, create server API keys).
     *
     * @return the running engine
     */
    public AuthService service() {
        return engine.service();
    }

    /**
     * The provider under test, started by the engine.
     *
     * @return the instance {@link CredentialProviderContract#createProvider()} made for this rule
     */
    public CredentialProvider provider() {
        return provider;
    }

    /**
     * The provider's type.
     *
     * @return {@code provider().type()}
     */
    public String providerType() {
        return provider.type();
    }

    /**
     * The clock the engine and the provider run on.
     *
     * @return the clock
     */
    public TestClock clock() {
        return engine.clock();
    }

    /**
     * The fake backend, when the provider's test supplies one.
     *
     * @return the backend of this rule, or empty
     */
    public Optional<FakeBackend> backend() {
        return backend;
    }

    /**
     * The timeouts in force.
     *
     * @return the timeouts
     */
    public ContractTimeouts timeouts() {
        return timeouts;
    }

    @Override
    public String toString() {
        return "ContractEnvironment[" + provider.type() + ", " + timeouts + "]";
    }
}
