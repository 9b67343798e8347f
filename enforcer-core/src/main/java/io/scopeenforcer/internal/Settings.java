package io.scopeenforcer.internal;

/**
 * The one rule every builder of the project keeps: each setting is given at most once. A second call is a
 * programming error (two places configure the same thing, and one of them would silently lose), so it fails
 * with one message shape, {@code "<setting> was already set"}, whichever builder it is.
 */
public final class Settings {

    private Settings() {
    }

    /**
     * Checks that a setting is still unset.
     *
     * @param alreadySet whether the builder already holds a value for the setting
     * @param setting the setting's name as the builder's method spells it
     * @throws IllegalStateException when {@code alreadySet}
     */
    public static void once(boolean alreadySet, String setting) {
        if (alreadySet) {
            throw new IllegalStateException(setting + " was already set");
        }
    }

    /**
     * Checks that a setting held in a nullable field is still unset.
     *
     * @param current the builder's current value, null while unset
     * @param setting the setting's name as the builder's method spells it
     * @throws IllegalStateException when {@code current} is not null
     */
    public static void once(Object current, String setting) {
        once(current != null, setting);
    }
}
