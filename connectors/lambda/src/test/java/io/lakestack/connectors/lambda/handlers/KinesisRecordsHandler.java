package io.lakestack.connectors.lambda.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A typed handler: the records of a Kinesis event as {@code partitionKey=data}, logged and returned. */
public class KinesisRecordsHandler
        implements RequestHandler<KinesisEvent, String>
{
    @Override
    public String handleRequest(KinesisEvent event, Context context)
    {
        List<String> records = new ArrayList<>();
        for (KinesisEvent.KinesisEventRecord record : event.getRecords()) {
            records.add(record.getKinesis().getPartitionKey() + "=" + StandardCharsets.UTF_8.decode(record.getKinesis().getData()));
        }
        System.out.println("records from " + event.getRecords().get(0).getEventSourceARN());
        context.getLogger().log("decoded " + records.size() + " records\n");
        return String.join(",", records);
    }
}
