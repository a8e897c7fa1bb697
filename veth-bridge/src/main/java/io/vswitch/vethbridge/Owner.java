package io.vswitch.vethbridge;

import java.util.regex.Pattern;

/**
 * Who created an object: the mark by which cleanup finds exactly our leftovers. Links carry it
 * as their alias ({@code IFLA_IFALIAS = "vswitch:<tag>"}); named namespaces as a marker file
 * {@code /run/vswitch/netns/<name>} holding the tag. A tag is 1-40 of {@code [A-Za-z0-9_.-]}.
 */
public record Owner(String tag) {
    /** Every alias we write starts with this; nothing else in the system is expected to. */
    public static final String ALIAS_PREFIX = "vswitch:";
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_.-]{1,40}");

    public Owner {
        if (tag == null || !TAG.matcher(tag).matches()) {
            throw new IllegalArgumentException("owner tag '" + tag + "' must be 1-40 characters of A-Z a-z 0-9 _ . -");
        }
    }

    /** The link alias that marks a link as created by this owner. */
    public String alias() {
        return ALIAS_PREFIX + tag;
    }

    /** Whether {@code alias} marks a link of this owner ({@code owner} null: of any owner). */
    public static boolean marks(Owner owner, String alias) {
        if (alias == null) {
            return false;
        }
        return owner == null ? alias.startsWith(ALIAS_PREFIX) : alias.equals(owner.alias());
    }
}
