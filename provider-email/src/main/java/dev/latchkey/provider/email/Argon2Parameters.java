package dev.latchkey.provider.email;

/**
 * The cost of an Argon2id hash.
 *
 * @param memoryKib memory in KiB (OWASP: 19,456 = 19 MiB)
 * @param iterations passes over the memory (OWASP: 2)
 * @param parallelism lanes (OWASP: 1)
 */
record Argon2Parameters(int memoryKib, int iterations, int parallelism) {
    /** OWASP's Password Storage Cheat Sheet minimum for Argon2id: m=19 MiB, t=2, p=1. */
    static final Argon2Parameters OWASP = new Argon2Parameters(19_456, 2, 1);
    /**
     * Bounds for parameters read from a stored hash as much as for configured ones: a stored hash
     * that asks for 4 GiB or a million passes would turn every log-in into a denial of service.
     */
    static final int MAX_MEMORY_KIB = 1 << 20;
    static final int MAX_ITERATIONS = 64;
    static final int MAX_PARALLELISM = 16;

    Argon2Parameters {
        if (parallelism < 1 || parallelism > MAX_PARALLELISM) {
            throw new IllegalArgumentException("parallelism must be 1 to " + MAX_PARALLELISM);
        }
        if (memoryKib < 8 * parallelism || memoryKib > MAX_MEMORY_KIB) {
            throw new IllegalArgumentException("memory must be 8 KiB per lane to " + MAX_MEMORY_KIB + " KiB");
        }
        if (iterations < 1 || iterations > MAX_ITERATIONS) {
            throw new IllegalArgumentException("iterations must be 1 to " + MAX_ITERATIONS);
        }
    }
}
