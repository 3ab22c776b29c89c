package io.lakestack.connectors.stepfunctions.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.NanoTime;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ParquetItemsTest
{
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Every type the reader maps, each column optional but the id, in the layouts parquet-mr writes. */
    private static final MessageType SCHEMA = MessageTypeParser.parseMessageType("""
            message row {
              required int32 id;
              optional boolean flag;
              optional int32 small (INTEGER(16,true));
              optional int32 unsigned32 (INTEGER(32,false));
              optional int64 big;
              optional int64 unsigned64 (INTEGER(64,false));
              optional float ratio;
              optional double score;
              optional double missing_number;
              optional int32 dec32 (DECIMAL(9,2));
              optional int64 dec64 (DECIMAL(18,4));
              optional fixed_len_byte_array(5) dec_fixed (DECIMAL(10,3));
              optional binary dec_binary (DECIMAL(20,2));
              optional binary name (STRING);
              optional binary kind (ENUM);
              optional binary doc (JSON);
              optional binary raw;
              optional fixed_len_byte_array(16) uid (UUID);
              optional fixed_len_byte_array(2) half (FLOAT16);
              optional int32 day (DATE);
              optional int64 ts_millis (TIMESTAMP(MILLIS,true));
              optional int64 ts_micros_local (TIMESTAMP(MICROS,false));
              optional int64 ts_nanos (TIMESTAMP(NANOS,true));
              optional int96 ts96;
              optional int32 t_millis (TIME(MILLIS,false));
              optional int64 t_micros (TIME(MICROS,false));
              optional int64 t_nanos (TIME(NANOS,false));
              optional group tags (LIST) {
                repeated group list {
                  optional binary element (STRING);
                }
              }
              optional group attrs (MAP) {
                repeated group key_value {
                  required int32 key;
                  optional double value;
                }
              }
              optional group address {
                optional binary city (STRING);
                optional group geo {
                  required double lat;
                  required double lon;
                }
              }
              repeated int32 bare;
              optional group two_level (LIST) {
                repeated int32 element;
              }
            }
            """);

    private static final String FIRST = "{\"id\":1,\"flag\":true,\"small\":-7,\"unsigned32\":4294967295,\"big\":9007199254740993,"
            + "\"unsigned64\":18446744073709551615,\"ratio\":1.1,\"score\":-0.0025,\"missing_number\":\"NaN\",\"dec32\":123.45,\"dec64\":-1.5000,"
            + "\"dec_fixed\":-1234567.890,\"dec_binary\":123456789012345678.90,\"name\":\"Zoë\",\"kind\":\"RED\",\"doc\":\"{\\\"a\\\": [1]}\","
            + "\"raw\":\"AAEC/w==\",\"uid\":\"123e4567-e89b-12d3-a456-426614174000\",\"half\":1.5,\"day\":\"2024-01-02\","
            + "\"ts_millis\":\"2024-01-02T03:04:05.123Z\",\"ts_micros_local\":\"2024-01-02T03:04:05.123456\","
            + "\"ts_nanos\":\"2024-01-02T03:04:05.000000001Z\",\"ts96\":\"2024-01-02T03:04:05.120\",\"t_millis\":\"03:04:05.007\","
            + "\"t_micros\":\"23:59:59.999999\",\"t_nanos\":\"00:00:01\",\"tags\":[\"a\",null,\"b\"],\"attrs\":{\"1\":0.5,\"2\":null},"
            + "\"address\":{\"city\":\"Oslo\",\"geo\":{\"lat\":59.9,\"lon\":10.75}},\"bare\":[3,4],\"two_level\":[5,6]}";
    private static final String SECOND = "{\"id\":2,\"flag\":null,\"small\":null,\"unsigned32\":null,\"big\":null,\"unsigned64\":null,\"ratio\":null,"
            + "\"score\":null,\"missing_number\":\"-Infinity\",\"dec32\":null,\"dec64\":null,\"dec_fixed\":null,\"dec_binary\":null,\"name\":null,"
            + "\"kind\":null,\"doc\":null,\"raw\":null,\"uid\":null,\"half\":null,\"day\":null,\"ts_millis\":\"1969-12-31T23:59:59.999Z\","
            + "\"ts_micros_local\":null,\"ts_nanos\":\"2023-11-14T22:13:20Z\",\"ts96\":\"1969-12-31T00:00:00\",\"t_millis\":null,\"t_micros\":null,"
            + "\"t_nanos\":null,\"tags\":[],\"attrs\":null,\"address\":{\"city\":null,\"geo\":null},\"bare\":[],\"two_level\":null}";

    @TempDir
    Path directory;

    private List<Group> rows()
    {
        SimpleGroupFactory factory = new SimpleGroupFactory(SCHEMA);
        Instant stamp = Instant.parse("2024-01-02T03:04:05.123456789Z");
        LocalDate day = LocalDate.parse("2024-01-02");
        Group first = factory.newGroup()
                .append("id", 1)
                .append("flag", true)
                .append("small", -7)
                .append("unsigned32", -1)
                .append("big", 9_007_199_254_740_993L)
                .append("unsigned64", -1L)
                .append("ratio", 1.1f)
                .append("score", -0.0025)
                .append("missing_number", Double.NaN)
                .append("dec32", 12345)
                .append("dec64", -15000L)
                .append("dec_fixed", Binary.fromConstantByteArray(bigEndian(BigInteger.valueOf(-1_234_567_890L), 5)))
                .append("dec_binary", Binary.fromConstantByteArray(new BigInteger("12345678901234567890").toByteArray()))
                .append("name", "Zoë")
                .append("kind", "RED")
                .append("doc", "{\"a\": [1]}")
                .append("raw", Binary.fromConstantByteArray(new byte[] {0, 1, 2, (byte) 0xff}))
                .append("uid", Binary.fromConstantByteArray(uuid(UUID.fromString("123e4567-e89b-12d3-a456-426614174000"))))
                // 1.5 in half precision is 0x3e00, stored little-endian
                .append("half", Binary.fromConstantByteArray(new byte[] {0x00, 0x3e}))
                .append("day", (int) day.toEpochDay())
                .append("ts_millis", stamp.toEpochMilli())
                .append("ts_micros_local", stamp.getEpochSecond() * 1_000_000 + stamp.getNano() / 1_000)
                .append("ts_nanos", LocalDateTime.parse("2024-01-02T03:04:05.000000001").toEpochSecond(ZoneOffset.UTC) * 1_000_000_000 + 1)
                .append("ts96", new NanoTime((int) (day.toEpochDay() + 2_440_588), LocalTime.parse("03:04:05.120").toNanoOfDay()))
                .append("t_millis", (int) (LocalTime.parse("03:04:05.007").toNanoOfDay() / 1_000_000))
                .append("t_micros", LocalTime.parse("23:59:59.999999").toNanoOfDay() / 1_000)
                .append("t_nanos", 1_000_000_000L);
        Group tags = first.addGroup("tags");
        tags.addGroup("list").append("element", "a");
        tags.addGroup("list");
        tags.addGroup("list").append("element", "b");
        Group attrs = first.addGroup("attrs");
        attrs.addGroup("key_value").append("key", 1).append("value", 0.5);
        attrs.addGroup("key_value").append("key", 2);
        Group address = first.addGroup("address").append("city", "Oslo");
        address.addGroup("geo").append("lat", 59.9).append("lon", 10.75);
        first.append("bare", 3).append("bare", 4);
        first.addGroup("two_level").append("element", 5).append("element", 6);

        Group second = factory.newGroup()
                .append("id", 2)
                .append("missing_number", Double.NEGATIVE_INFINITY)
                .append("ts_millis", -1L)
                .append("ts_nanos", 1_700_000_000L * 1_000_000_000)
                .append("ts96", new NanoTime(2_440_587, 0));
        second.addGroup("tags");
        second.addGroup("address");
        return List.of(first, second);
    }

    private static byte[] bigEndian(BigInteger value, int length)
    {
        byte[] bytes = value.toByteArray();
        byte[] padded = new byte[length];
        Arrays.fill(padded, (byte) (value.signum() < 0 ? 0xff : 0));
        System.arraycopy(bytes, 0, padded, length - bytes.length, bytes.length);
        return padded;
    }

    private static byte[] uuid(UUID uuid)
    {
        return ByteBuffer.allocate(16).putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits()).array();
    }

    /** The rows written to a Parquet file with the codec, one row group a row; the file's bytes. */
    private byte[] write(CompressionCodecName codec)
            throws Exception
    {
        Path file = directory.resolve("rows-" + codec + ".parquet");
        try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(new LocalOutputFile(file))
                .withConf(new Configuration(false))
                .withType(SCHEMA)
                .withCompressionCodec(codec)
                .withRowGroupRowCountLimit(1)
                .build()) {
            for (Group row : rows()) {
                writer.write(row);
            }
        }
        try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file))) {
            assertThat(reader.getRowGroups()).hasSize(2);
        }
        return Files.readAllBytes(file);
    }

    private static List<String> texts(List<JsonNode> rows)
            throws Exception
    {
        return rows.stream().map(row -> {
            try {
                return JSON.writeValueAsString(row);
            }
            catch (Exception e) {
                throw new AssertionError(e);
            }
        }).toList();
    }

    @Test
    void everyRowOfEveryRowGroupIsAnObjectOfItsColumns()
            throws Exception
    {
        assertThat(texts(ParquetItems.rows(write(CompressionCodecName.SNAPPY), "s3://b/rows.parquet"))).containsExactly(FIRST, SECOND);
    }

    @Test
    void theCodecsWritersUseAreRead()
            throws Exception
    {
        for (CompressionCodecName codec : List.of(CompressionCodecName.UNCOMPRESSED, CompressionCodecName.GZIP, CompressionCodecName.ZSTD,
                CompressionCodecName.LZ4_RAW)) {
            assertThat(texts(ParquetItems.rows(write(codec), "s3://b/rows.parquet"))).as(codec.name()).containsExactly(FIRST, SECOND);
        }
    }

    @Test
    void bytesThatAreNotParquetFailNamingTheObject()
            throws Exception
    {
        assertThatThrownBy(() -> ParquetItems.rows("id,name\n1,a\n".getBytes(StandardCharsets.UTF_8), "s3://b/rows.csv"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("The object s3://b/rows.csv cannot be read as Parquet: ");
        assertThatThrownBy(() -> ParquetItems.rows(new byte[0], "s3://b/empty"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("The object s3://b/empty cannot be read as Parquet: ");
        // a file whose data pages are overwritten: its footer reads, its pages do not
        byte[] corrupt = write(CompressionCodecName.SNAPPY);
        Arrays.fill(corrupt, 4, 200, (byte) 0x55);
        assertThatThrownBy(() -> ParquetItems.rows(corrupt, "s3://b/corrupt.parquet"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("The object s3://b/corrupt.parquet cannot be read as Parquet: ");
    }
}
