package io.lakestack.services.s3;

import java.util.zip.Checksum;

/**
 * CRC-64/NVME, the CRC of S3's {@code CRC64NVME} checksums: polynomial 0xAD93D23594C93659, reflected, initial value
 * and final XOR all ones (check value of "123456789": 0xAE8B14860A799888). The JDK has CRC32 and CRC32C only.
 */
final class Crc64Nvme
        implements Checksum
{
    private static final long REFLECTED_POLYNOMIAL = 0x9A6C9329AC4BC9B5L;
    private static final long[] TABLE = new long[256];

    static {
        for (int i = 0; i < 256; i++) {
            long crc = i;
            for (int bit = 0; bit < 8; bit++) {
                crc = (crc & 1) != 0 ? (crc >>> 1) ^ REFLECTED_POLYNOMIAL : crc >>> 1;
            }
            TABLE[i] = crc;
        }
    }

    private long crc = -1L;

    @Override
    public void update(int b)
    {
        crc = TABLE[(int) ((crc ^ b) & 0xff)] ^ (crc >>> 8);
    }

    @Override
    public void update(byte[] bytes, int offset, int length)
    {
        long value = crc;
        for (int i = offset; i < offset + length; i++) {
            value = TABLE[(int) ((value ^ bytes[i]) & 0xff)] ^ (value >>> 8);
        }
        crc = value;
    }

    @Override
    public long getValue()
    {
        return ~crc;
    }

    @Override
    public void reset()
    {
        crc = -1L;
    }
}
