package dev.pokepedia.core;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256, the identity of every stored document and object, as lowercase hex. */
public final class Sha256 {

    /** Never updated; each hash works on a copy. */
    private static final MessageDigest PROTOTYPE = newDigest();

    private Sha256() {
    }

    public static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(digest().digest(bytes));
    }

    /** A fresh digest, for hashing a stream as it passes. */
    public static MessageDigest digest() {
        try {
            // why: a copy of a ready digest skips getInstance's provider lookup and algorithm-constraint checks, a
            // few microseconds that showed up as 4 % of a media copy's CPU (one hash per file)
            return (MessageDigest) PROTOTYPE.clone();
        } catch (CloneNotSupportedException e) {
            return newDigest();
        }
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
