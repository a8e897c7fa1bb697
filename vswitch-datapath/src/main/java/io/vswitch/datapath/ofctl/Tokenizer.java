package io.vswitch.datapath.ofctl;

/**
 * Splits ovs-ofctl text into items: {@code key}, {@code key=value}, {@code key:value} or {@code key(args)},
 * separated by commas and/or white space at parenthesis depth 0. The key ends at the first {@code '='},
 * {@code ':'} or {@code '('}; a value runs to the next top-level separator, so values may themselves hold
 * colons (MACs, IPv6) and parenthesized lists ({@code write_actions(output:1,output:2)}).
 *
 * <p>Columns are 1-based positions in the text the user typed: a tokenizer over a slice of a longer text is
 * created with that slice's offset so nested errors still point at the right character.
 */
final class Tokenizer {
    /** One item. {@code sep} is 0 for a bare word, else '=', ':' or '('; {@code value} is null for a bare word. */
    record Token(String key, char sep, String value, int column, int valueColumn) {
        boolean bare() {
            return sep == 0;
        }
    }

    private final String text;
    private final int offset;
    private int pos;

    /** @param offset 0-based index of {@code text[0]} in the text the user typed */
    Tokenizer(String text, int offset) {
        this.text = text;
        this.offset = offset;
    }

    Tokenizer(String text) {
        this(text, 0);
    }

    private static boolean isSeparator(char c) {
        return c == ',' || Character.isWhitespace(c);
    }

    private void skipSeparators() {
        while (pos < text.length() && isSeparator(text.charAt(pos))) pos++;
    }

    /** 1-based column of the next item (or of the end of the text). */
    int column() {
        skipSeparators();
        return offset + pos + 1;
    }

    /** The next item, or null at the end of the text. */
    Token next() {
        skipSeparators();
        if (pos >= text.length()) return null;
        int start = pos;
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == '=' || c == ':' || c == '(' || isSeparator(c)) break;
            if (c == ')') throw new FlowSyntaxException(col(pos), "unbalanced ')'");
            pos++;
        }
        String key = text.substring(start, pos);
        if (key.isEmpty()) throw new FlowSyntaxException(col(start), "missing name before '" + text.charAt(pos) + "'");
        if (pos >= text.length() || isSeparator(text.charAt(pos))) {
            return new Token(key, (char) 0, null, col(start), col(pos));
        }
        char sep = text.charAt(pos++);
        if (sep == '(') {
            int open = pos - 1, depth = 1, valueStart = pos;
            while (pos < text.length() && depth > 0) {
                char c = text.charAt(pos++);
                if (c == '(') depth++;
                else if (c == ')') depth--;
            }
            if (depth > 0) throw new FlowSyntaxException(col(open), "'(' after " + key + " is never closed");
            String value = text.substring(valueStart, pos - 1);
            if (pos < text.length() && !isSeparator(text.charAt(pos))) {
                throw new FlowSyntaxException(col(pos), "expected ',' after " + key + "(...)");
            }
            return new Token(key, sep, value, col(start), col(valueStart));
        }
        int valueStart = pos, depth = 0;
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (depth == 0 && isSeparator(c)) break;
            if (c == '(') depth++;
            else if (c == ')' && --depth < 0) throw new FlowSyntaxException(col(pos), "unbalanced ')'");
            pos++;
        }
        if (depth > 0) throw new FlowSyntaxException(col(valueStart), "'(' in the value of " + key + " is never closed");
        return new Token(key, sep, text.substring(valueStart, pos), col(start), col(valueStart));
    }

    private int col(int index) {
        return offset + index + 1;
    }
}
