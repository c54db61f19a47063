package dev.latchkey.api;

import java.util.Map;
import java.util.TreeMap;

/**
 * What an identity provider tells about a user: the nine App Services profile fields plus
 * provider-specific extras. Every field may be {@code null} when the provider does not know it.
 *
 * @param name full name
 * @param email email address (only when the provider vouches for it)
 * @param pictureUrl URL of a picture of the user
 * @param firstName given name
 * @param lastName family name
 * @param gender gender as the provider reports it
 * @param birthday birthday as the provider reports it
 * @param minAge lower bound of the user's age
 * @param maxAge upper bound of the user's age
 * @param extras further string fields from the provider (for example custom-JWT metadata); never null
 */
public record Profile(String name, String email, String pictureUrl, String firstName, String lastName,
                      String gender, String birthday, Integer minAge, Integer maxAge, Map<String, String> extras) {

    /** A profile that knows nothing. */
    public static final Profile EMPTY = new Profile(null, null, null, null, null, null, null, null, null, Map.of());

    /**
     * Makes an unmodifiable copy of {@code extras} (sorted by key); {@code null} becomes empty.
     *
     * @param name see the record description
     * @param email see the record description
     * @param pictureUrl see the record description
     * @param firstName see the record description
     * @param lastName see the record description
     * @param gender see the record description
     * @param birthday see the record description
     * @param minAge see the record description
     * @param maxAge see the record description
     * @param extras see the record description
     */
    public Profile {
        extras = extras == null ? Map.of() : Map.copyOf(new TreeMap<>(extras));
    }

    /**
     * Starts a builder.
     *
     * @return a builder for a profile with no fields set
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder with this profile's fields.
     *
     * @return a builder to derive a changed copy
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.name = name;
        b.email = email;
        b.pictureUrl = pictureUrl;
        b.firstName = firstName;
        b.lastName = lastName;
        b.gender = gender;
        b.birthday = birthday;
        b.minAge = minAge;
        b.maxAge = maxAge;
        b.extras = new TreeMap<>(extras);
        return b;
    }

    /** Builds a {@link Profile} field by field. Not thread-safe. */
    public static final class Builder {
        private String name;
        private String email;
        private String pictureUrl;
        private String firstName;
        private String lastName;
        private String gender;
        private String birthday;
        private Integer minAge;
        private Integer maxAge;
        private Map<String, String> extras = new TreeMap<>();

        private Builder() {
        }

        /**
         * Sets the full name.
         *
         * @param value the name, or null
         * @return this builder
         */
        public Builder name(String value) {
            this.name = value;
            return this;
        }

        /**
         * Sets the email address.
         *
         * @param value the address, or null
         * @return this builder
         */
        public Builder email(String value) {
            this.email = value;
            return this;
        }

        /**
         * Sets the picture URL.
         *
         * @param value the URL, or null
         * @return this builder
         */
        public Builder pictureUrl(String value) {
            this.pictureUrl = value;
            return this;
        }

        /**
         * Sets the given name.
         *
         * @param value the name, or null
         * @return this builder
         */
        public Builder firstName(String value) {
            this.firstName = value;
            return this;
        }

        /**
         * Sets the family name.
         *
         * @param value the name, or null
         * @return this builder
         */
        public Builder lastName(String value) {
            this.lastName = value;
            return this;
        }

        /**
         * Sets the gender.
         *
         * @param value the gender, or null
         * @return this builder
         */
        public Builder gender(String value) {
            this.gender = value;
            return this;
        }

        /**
         * Sets the birthday.
         *
         * @param value the birthday, or null
         * @return this builder
         */
        public Builder birthday(String value) {
            this.birthday = value;
            return this;
        }

        /**
         * Sets the lower bound of the age.
         *
         * @param value the age, or null
         * @return this builder
         */
        public Builder minAge(Integer value) {
            this.minAge = value;
            return this;
        }

        /**
         * Sets the upper bound of the age.
         *
         * @param value the age, or null
         * @return this builder
         */
        public Builder maxAge(Integer value) {
            this.maxAge = value;
            return this;
        }

        /**
         * Adds a provider-specific field.
         *
         * @param key the field name
         * @param value its value
         * @return this builder
         */
        public Builder extra(String key, String value) {
            this.extras.put(key, value);
            return this;
        }

        /**
         * Builds the profile.
         *
         * @return an immutable profile
         */
        public Profile build() {
            return new Profile(name, email, pictureUrl, firstName, lastName, gender, birthday, minAge, maxAge, extras);
        }
    }
}
