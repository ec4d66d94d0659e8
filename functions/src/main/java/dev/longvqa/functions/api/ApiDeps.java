package dev.longvqa.functions.api;

import dev.longvqa.functions.JobStore;
import dev.longvqa.functions.ObjectStore;
import dev.longvqa.functions.Settings;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.sfn.SfnClient;

import java.time.Clock;

/** What the API's routes call: the functions' stores and settings, the presigner, the jobs table's owner index, Step Functions. */
public record ApiDeps(ObjectStore store, JobStore jobs, DynamoDbClient dynamo, S3Presigner presigner, SfnClient sfn,
                      Settings settings, ApiSettings api, Clock clock) {}
