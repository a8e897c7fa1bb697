package io.vswitch.datapath.flow;

import io.vswitch.datapath.OfError;
import io.vswitch.datapath.OpenFlowException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * What a flow entry selects: a value and a mask over the {@link FlowKey} words (a packet matches when
 * {@code (key & mask) == value} word by word), plus the fields in the order they were given, so the match can be
 * reported back exactly as it was sent (flow stats must echo the controller's match).
 *
 * <p>Immutable once built. Built through {@link Builder}, which rejects duplicates, values outside a field's
 * width, value bits outside the mask, and missing prerequisites with the OpenFlow error each one calls for.
 */
public final class FlowMatch {
    /** One field of the match as given: value and mask (all-ones when exact). 128-bit fields use hi/lo pairs. */
    public record Entry(Field field, long value, long mask, long valueLow, long maskLow) {
        public boolean exact() {
            return field.is128() ? mask == -1L && maskLow == -1L : mask == field.valueMask;
        }
    }

    public static final FlowMatch ALL = new Builder().build();

    private final long[] value;
    private final long[] mask;
    private final List<Entry> entries;
    private final int hash, maskHash;

    private FlowMatch(long[] value, long[] mask, List<Entry> entries) {
        this.value = value;
        this.mask = mask;
        this.entries = entries;
        this.maskHash = Arrays.hashCode(mask);
        this.hash = 31 * Arrays.hashCode(value) + maskHash;
    }

    /** {@code Arrays.hashCode(maskWords())}, computed once (the classifier finds subtables by mask). */
    public int maskHash() { return maskHash; }

    /** Whether a packet with this key matches. */
    public boolean matches(FlowKey key) {
        long[] k = key.words;
        for (int i = 0; i < FlowKey.WORDS; i++) {
            if ((k[i] & mask[i]) != value[i]) return false;
        }
        return true;
    }

    public long value(int word) { return value[word]; }

    public long mask(int word) { return mask[word]; }

    /** Copies of the value and mask words (for classifier subtables). */
    public long[] valueWords() { return value.clone(); }

    public long[] maskWords() { return mask.clone(); }

    public List<Entry> entries() { return entries; }

    public Entry entry(Field f) {
        for (Entry e : entries) if (e.field == f) return e;
        return null;
    }

    public boolean isCatchAll() { return entries.isEmpty(); }

    /** Whether every packet matching {@code other} also matches this (this is at least as general). */
    public boolean covers(FlowMatch other) {
        for (int i = 0; i < FlowKey.WORDS; i++) {
            if ((mask[i] & ~other.mask[i]) != 0) return false;
            if ((other.value[i] & mask[i]) != value[i]) return false;
        }
        return true;
    }

    /** Whether some packet could match both (used for check_overlap). */
    public boolean overlaps(FlowMatch other) {
        for (int i = 0; i < FlowKey.WORDS; i++) {
            long common = mask[i] & other.mask[i];
            if ((value[i] & common) != (other.value[i] & common)) return false;
        }
        return true;
    }

    /** Same packets selected (value and mask equal), whatever the order the fields were given in. */
    public boolean sameAs(FlowMatch other) {
        return Arrays.equals(value, other.value) && Arrays.equals(mask, other.mask);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FlowMatch m && sameAs(m);
    }

    @Override
    public int hashCode() { return hash; }

    @Override
    public String toString() {
        return io.vswitch.datapath.ofctl.FlowFormatter.formatMatch(this);
    }

    public static Builder builder() { return new Builder(); }

    /** Collects fields; {@link #build()} validates them together. */
    public static final class Builder {
        private final long[] value = new long[FlowKey.WORDS];
        private final long[] mask = new long[FlowKey.WORDS];
        private final List<Entry> entries = new ArrayList<>();
        private boolean strictMasks;

        /**
         * Refuse masks on fields OpenFlow declares unmaskable (OFPBMC_BAD_MASK), as the OpenFlow channel must.
         * The text syntax allows them, as ovs-ofctl does (e.g. {@code tp_dst=0x1000/0xf000}).
         */
        public Builder strictMasks(boolean strict) {
            this.strictMasks = strict;
            return this;
        }

        public Builder exact(Field f, long v) {
            return masked(f, v, f.valueMask);
        }

        public Builder masked(Field f, long v, long m) {
            if (f.is128()) throw new IllegalArgumentException(f + " is 128 bits: use masked128");
            checkNew(f);
            if ((v & ~f.valueMask) != 0) {
                throw new OpenFlowException(OfError.BAD_MATCH_BAD_VALUE,
                        f.oxmName() + " value 0x" + Long.toHexString(v) + " does not fit in " + f.bits + " bits");
            }
            if ((m & ~f.valueMask) != 0) {
                throw new OpenFlowException(OfError.BAD_MATCH_BAD_MASK,
                        f.oxmName() + " mask 0x" + Long.toHexString(m) + " does not fit in " + f.bits + " bits");
            }
            checkMask(f, m == f.valueMask);
            checkWildcards(f, (v & ~m) != 0);
            if (m == 0) return this; // a fully wildcarded field matches everything: nothing to record
            entries.add(new Entry(f, v, m, 0, 0));
            value[f.word] |= v << f.shift;
            mask[f.word] |= m << f.shift;
            return this;
        }

        public Builder exact128(Field f, long hi, long lo) {
            return masked128(f, hi, lo, -1L, -1L);
        }

        public Builder masked128(Field f, long hi, long lo, long maskHi, long maskLo) {
            if (!f.is128()) throw new IllegalArgumentException(f + " is not 128 bits");
            checkNew(f);
            checkMask(f, maskHi == -1L && maskLo == -1L);
            checkWildcards(f, (hi & ~maskHi) != 0 || (lo & ~maskLo) != 0);
            if (maskHi == 0 && maskLo == 0) return this;
            entries.add(new Entry(f, hi, maskHi, lo, maskLo));
            value[f.word] = hi;
            mask[f.word] = maskHi;
            value[f.word + 1] = lo;
            mask[f.word + 1] = maskLo;
            return this;
        }

        public boolean has(Field f) {
            for (Entry e : entries) if (e.field == f) return true;
            return false;
        }

        private void checkNew(Field f) {
            if (has(f)) throw new OpenFlowException(OfError.BAD_MATCH_DUP_FIELD, f.oxmName() + " appears twice in the match");
            // Internal fields overlapping OXM fields (vlan_tci over vlan_vid/vlan_pcp) would silently merge.
            for (Entry e : entries) {
                if (e.field.word == f.word && bitsOverlap(e.field, f)) {
                    throw new OpenFlowException(OfError.BAD_MATCH_DUP_FIELD,
                            f.oxmName() + " overlaps " + e.field.oxmName() + " already in the match");
                }
            }
        }

        private static boolean bitsOverlap(Field a, Field b) {
            if (a.is128() || b.is128()) return true;
            long ma = a.valueMask << a.shift, mb = b.valueMask << b.shift;
            return (ma & mb) != 0;
        }

        private void checkMask(Field f, boolean exact) {
            if (strictMasks && !exact && !f.maskable) {
                throw new OpenFlowException(OfError.BAD_MATCH_BAD_MASK, f.oxmName() + " cannot be masked in OpenFlow");
            }
        }

        private static void checkWildcards(Field f, boolean valueOutsideMask) {
            if (valueOutsideMask) {
                throw new OpenFlowException(OfError.BAD_MATCH_BAD_WILDCARDS,
                        f.oxmName() + " value has 1-bits where its mask has 0-bits");
            }
        }

        public FlowMatch build() {
            for (Entry e : entries) checkPrerequisites(e);
            return new FlowMatch(value.clone(), mask.clone(), Collections.unmodifiableList(new ArrayList<>(entries)));
        }

        private long exactValue(Field f) {
            for (Entry e : entries) {
                if (e.field == f) return e.mask == f.valueMask ? e.value : -1;
            }
            return -1;
        }

        private void checkPrerequisites(Entry e) {
            Prerequisite p = e.field.prerequisites();
            String name = e.field.oxmName();
            if (p.vlanPresent()) {
                Entry vid = entry(Field.VLAN_VID);
                if (vid == null || (vid.mask & vid.value & Field.VID_PRESENT) == 0) {
                    throw prereq(name + " needs a VLAN tag: add vlan_vid with OFPVID_PRESENT (0x1000) set");
                }
            }
            if (p.ethTypes().length > 0) {
                long t = exactValue(Field.ETH_TYPE);
                if (!Prerequisite.contains(p.ethTypes(), (int) t)) {
                    throw prereq(name + " needs eth_type " + hexList(p.ethTypes()) + " in the match"
                            + (t >= 0 ? " (it has 0x" + Long.toHexString(t) + ")" : ""));
                }
            }
            if (p.ipProto() >= 0) {
                long proto = exactValue(Field.IP_PROTO);
                if (proto != p.ipProto()) {
                    throw prereq(name + " needs ip_proto=" + p.ipProto() + " in the match"
                            + (proto >= 0 ? " (it has " + proto + ")" : ""));
                }
            }
            if (p.icmpv6Types().length > 0) {
                long t = exactValue(Field.ICMPV6_TYPE);
                if (!Prerequisite.contains(p.icmpv6Types(), (int) t)) {
                    throw prereq(name + " needs icmpv6_type " + Arrays.toString(p.icmpv6Types()) + " in the match");
                }
            }
        }

        private Entry entry(Field f) {
            for (Entry e : entries) if (e.field == f) return e;
            return null;
        }

        private static OpenFlowException prereq(String message) {
            return new OpenFlowException(OfError.BAD_MATCH_BAD_PREREQ, message);
        }

        private static String hexList(int[] values) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < values.length; i++) {
                if (i > 0) sb.append(i == values.length - 1 ? " or " : ", ");
                sb.append(String.format("0x%04x", values[i]));
            }
            return sb.toString();
        }
    }
}
