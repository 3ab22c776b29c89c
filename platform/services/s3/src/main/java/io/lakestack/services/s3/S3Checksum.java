package io.lakestack.services.s3;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;
import java.util.zip.Checksum;

/**
 * The checksum algorithms of S3's additional checksums ({@code x-amz-checksum-<algorithm>}: a base64 value, the CRCs
 * as big-endian integers), and MD5 for {@code Content-MD5}.
 */
enum S3Checksum
{
    CRC32("CRC32", 4, () -> crc(new CRC32(), 4)),
    CRC32C("CRC32C", 4, () -> crc(new CRC32C(), 4)),
    CRC64NVME("CRC64NVME", 8, () -> crc(new Crc64Nvme(), 8)),
    SHA1("SHA1", 20, () -> digest("SHA-1")),
    SHA256("SHA256", 32, () -> digest("SHA-256")),
    MD5("MD5", 16, () -> digest("MD5"));

    /** A checksum being computed over bytes as they pass. */
    interface Digest
    {
        void update(byte[] bytes, int offset, int length);

        byte[] value();
    }

    private final String displayName;
    private final int length;
    private final Supplier<Digest> digests;

    S3Checksum(String displayName, int length, Supplier<Digest> digests)
    {
        this.displayName = displayName;
        this.length = length;
        this.digests = digests;
    }

    /** The name S3's error messages use: {@code CRC32}, {@code SHA256}... */
    String displayName()
    {
        return displayName;
    }

    /** The length of a value in bytes. */
    int length()
    {
        return length;
    }

    /** The header (or trailer) that carries this checksum: {@code x-amz-checksum-crc32}; MD5 has {@code Content-MD5} instead. */
    String headerName()
    {
        return "x-amz-checksum-" + name().toLowerCase(Locale.ROOT);
    }

    Digest newDigest()
    {
        return digests.get();
    }

    /** The additional checksum an {@code x-amz-checksum-*} header (or trailer) names. */
    static Optional<S3Checksum> ofHeader(String name)
    {
        String lower = name.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(checksum -> checksum != MD5 && checksum.headerName().equals(lower)).findFirst();
    }

    private static Digest crc(Checksum crc, int length)
    {
        return new Digest()
        {
            @Override
            public void update(byte[] bytes, int offset, int count)
            {
                crc.update(bytes, offset, count);
            }

            @Override
            public byte[] value()
            {
                byte[] value = ByteBuffer.allocate(8).putLong(crc.getValue()).array();
                return Arrays.copyOfRange(value, 8 - length, 8);
            }
        };
    }

    private static Digest digest(String algorithm)
    {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance(algorithm);
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return new Digest()
        {
            @Override
            public void update(byte[] bytes, int offset, int count)
            {
                digest.update(bytes, offset, count);
            }

            @Override
            public byte[] value()
            {
                return digest.digest();
            }
        };
    }
}
