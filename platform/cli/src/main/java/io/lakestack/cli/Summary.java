package io.lakestack.cli;

import io.lakestack.embedded.EmbeddedStack;

import java.io.PrintStream;

/** What a person needs once the stack is up: where each engine is, and how to point a client at it. */
final class Summary
{
    private Summary() {}

    static void print(PrintStream out, EmbeddedStack stack, boolean withTrino)
    {
        String endpoint = stack.endpointUrl();
        out.println();
        out.printf("  AWS endpoint   %s   (S3, Glue, Athena, Kinesis, Firehose)%n", endpoint);
        out.printf("  Kafka          %s%n", stack.kafkaBootstrapServers());
        out.printf("  Hive Metastore %s%n", stack.metastoreUri());
        if (withTrino) {
            out.printf("  Trino          %s   (catalog awsdatacatalog)%n", stack.trinoJdbcUrl());
        }
        out.printf("  credentials    access key %s, secret %s, any region%n", stack.endpointConfig().accessKey(),
                stack.endpointConfig().secretKey().equals("test") ? "test" : "(as configured)");
        out.printf("  try            aws --endpoint-url %s s3 ls%n", endpoint);
        out.println();
    }
}
