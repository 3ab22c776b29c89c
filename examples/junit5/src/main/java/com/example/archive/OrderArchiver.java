package com.example.archive;

import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Copies every record a Kinesis stream holds into one S3 object of JSON lines, shard after shard, in each shard's
 * order: the kind of small job a data team runs against AWS, and tests against lakestack.
 */
public final class OrderArchiver
{
    private final KinesisClient kinesis;
    private final S3Client s3;

    public OrderArchiver(KinesisClient kinesis, S3Client s3)
    {
        this.kinesis = kinesis;
        this.s3 = s3;
    }

    /** Writes {@code s3://<bucket>/archive/<stream>.jsonl} and returns how many records it holds. */
    public int archive(String stream, String bucket)
    {
        List<String> lines = new ArrayList<>();
        for (Shard shard : kinesis.listShards(request -> request.streamName(stream)).shards()) {
            String iterator = kinesis.getShardIterator(request -> request.streamName(stream).shardId(shard.shardId())
                    .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
            while (iterator != null) {
                String current = iterator;
                GetRecordsResponse page = kinesis.getRecords(request -> request.shardIterator(current));
                for (Record record : page.records()) {
                    lines.add(record.data().asString(StandardCharsets.UTF_8));
                }
                // the shard's end for now: nothing read and nothing behind
                iterator = page.records().isEmpty() && page.millisBehindLatest() == 0 ? null : page.nextShardIterator();
            }
        }
        String body = lines.isEmpty() ? "" : String.join("\n", lines) + "\n";
        s3.putObject(request -> request.bucket(bucket).key("archive/" + stream + ".jsonl").contentType("application/x-ndjson"),
                RequestBody.fromString(body));
        return lines.size();
    }
}
