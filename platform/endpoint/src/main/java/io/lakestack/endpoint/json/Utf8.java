package io.lakestack.endpoint.json;

/**
 * Strict UTF-8 (RFC 3629): what Java's UTF-8 decoder takes when it reports malformed input, checked over the bytes
 * without decoding them, so that a JSON document of megabytes can be parsed from its bytes afterwards. Refused:
 * overlong forms ({@code C0 AF}), encoded surrogates ({@code ED A0 80}), code points above U+10FFFF, stray or missing
 * continuation bytes.
 */
public final class Utf8
{
    private Utf8() {}

    public static boolean isValid(byte[] bytes)
    {
        int i = 0;
        int length = bytes.length;
        while (i < length) {
            int first = bytes[i] & 0xff;
            if (first < 0x80) {
                i++;
                continue;
            }
            int continuations;
            int low = 0x80;
            int high = 0xbf;
            if (first >= 0xc2 && first <= 0xdf) {
                continuations = 1;
            }
            else if (first >= 0xe0 && first <= 0xef) {
                continuations = 2;
                if (first == 0xe0) {
                    low = 0xa0;
                }
                else if (first == 0xed) {
                    high = 0x9f;
                }
            }
            else if (first >= 0xf0 && first <= 0xf4) {
                continuations = 3;
                if (first == 0xf0) {
                    low = 0x90;
                }
                else if (first == 0xf4) {
                    high = 0x8f;
                }
            }
            else {
                return false;
            }
            if (i + continuations >= length) {
                // the sequence is cut off
                return false;
            }
            int second = bytes[i + 1] & 0xff;
            if (second < low || second > high) {
                return false;
            }
            for (int k = 2; k <= continuations; k++) {
                int next = bytes[i + k] & 0xff;
                if (next < 0x80 || next > 0xbf) {
                    return false;
                }
            }
            i += continuations + 1;
        }
        return true;
    }
}
