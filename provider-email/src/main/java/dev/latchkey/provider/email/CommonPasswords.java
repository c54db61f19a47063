package dev.latchkey.provider.email;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Passwords too common to accept ({@code rejectCommonPasswords}): the bundled list
 * {@code common-passwords.txt}, compared without regard to case so that {@code Password1} is
 * refused with {@code password1}. The password itself is still kept exactly as given.
 */
final class CommonPasswords {
    static final CommonPasswords NONE = new CommonPasswords(Set.of());
    private static final String RESOURCE = "common-passwords.txt";

    private final Set<String> lowerCase;

    private CommonPasswords(Set<String> lowerCase) {
        this.lowerCase = lowerCase;
    }

    /**
     * The bundled list.
     *
     * @return the list, read from the jar
     */
    static CommonPasswords bundled() {
        try (InputStream in = CommonPasswords.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the provider-email jar");
            }
            Set<String> words = new HashSet<>();
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                String word = line.strip();
                if (!word.isEmpty() && !word.startsWith("#")) {
                    words.add(word.toLowerCase(Locale.ROOT));
                }
            }
            return new CommonPasswords(Set.copyOf(words));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    boolean contains(String password) {
        return lowerCase.contains(password.toLowerCase(Locale.ROOT));
    }

    int size() {
        return lowerCase.size();
    }
}
