package io.lakestack.services.s3;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Each algorithm against its published check value, and S3's base64 values of known bodies. */
class S3ChecksumTest
{
    private static final byte[] CHECK = "123456789".getBytes(StandardCharsets.US_ASCII);

    @Test
    void checkValues()
    {
        assertThat(hex(S3Checksum.CRC32, CHECK)).isEqualTo("cbf43926");
        assertThat(hex(S3Checksum.CRC32C, CHECK)).isEqualTo("e3069283");
        assertThat(hex(S3Checksum.CRC64NVME, CHECK)).isEqualTo("ae8b14860a799888");
        assertThat(hex(S3Checksum.SHA1, CHECK)).isEqualTo("f7c3bc1d808e04732adf679965ccc34ca7ae3441");
        assertThat(hex(S3Checksum.SHA256, CHECK)).isEqualTo("15e2b0d3c33891ebb0f1ef609ec419420c20e320ce94c65fbc8c3312448eb225");
        assertThat(hex(S3Checksum.MD5, CHECK)).isEqualTo("25f9e794323b453885f5181f1b624d0b");
    }

    @Test
    void s3ValuesOfKnownBodies()
    {
        // as the AWS SDK's signer and S3 compute them
        assertThat(base64(S3Checksum.CRC32, "hello, chunked world")).isEqualTo("XT19kg==");
        assertThat(base64(S3Checksum.CRC64NVME, "hello")).isEqualTo("M3eFcAZSQlc=");
        assertThat(base64(S3Checksum.CRC64NVME, "")).isEqualTo("AAAAAAAAAAA=");
        assertThat(base64(S3Checksum.CRC32, "")).isEqualTo("AAAAAA==");
        assertThat(base64(S3Checksum.MD5, "")).isEqualTo("1B2M2Y8AsgTpgAmY7PhCfg==");
    }

    @Test
    void valuesDoNotDependOnHowTheBytesArrive()
    {
        byte[] data = new byte[100_003];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 7 + (i >> 9));
        }
        for (S3Checksum checksum : S3Checksum.values()) {
            S3Checksum.Digest whole = checksum.newDigest();
            whole.update(data, 0, data.length);
            S3Checksum.Digest pieces = checksum.newDigest();
            for (int offset = 0; offset < data.length; offset += 997) {
                pieces.update(data, offset, Math.min(997, data.length - offset));
            }
            byte[] value = whole.value();
            assertThat(pieces.value()).as(checksum.name()).isEqualTo(value);
            assertThat(value).as(checksum.name()).hasSize(checksum.length());
        }
    }

    @Test
    void headerNames()
    {
        assertThat(S3Checksum.ofHeader("x-amz-checksum-crc32")).contains(S3Checksum.CRC32);
        assertThat(S3Checksum.ofHeader("X-Amz-Checksum-CRC32C")).contains(S3Checksum.CRC32C);
        assertThat(S3Checksum.ofHeader("x-amz-checksum-crc64nvme")).contains(S3Checksum.CRC64NVME);
        assertThat(S3Checksum.ofHeader("x-amz-checksum-sha1")).contains(S3Checksum.SHA1);
        assertThat(S3Checksum.ofHeader(" x-amz-checksum-sha256 ")).contains(S3Checksum.SHA256);
        assertThat(S3Checksum.ofHeader("x-amz-checksum-md5")).isEqualTo(Optional.empty());
        assertThat(S3Checksum.ofHeader("x-amz-checksum-xxhash64")).isEmpty();
    }

    private static String hex(S3Checksum checksum, byte[] data)
    {
        S3Checksum.Digest digest = checksum.newDigest();
        digest.update(data, 0, data.length);
        return HexFormat.of().formatHex(digest.value());
    }

    private static String base64(S3Checksum checksum, String text)
    {
        byte[] data = text.getBytes(StandardCharsets.UTF_8);
        S3Checksum.Digest digest = checksum.newDigest();
        digest.update(data, 0, data.length);
        return Base64.getEncoder().encodeToString(digest.value());
    }
}
