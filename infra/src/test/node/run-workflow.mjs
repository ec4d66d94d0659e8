// Runs statemachine/longvqa.asl.json with aws-local-stepfunctions against fake tasks that follow the
// docs/ARCHITECTURE.md contracts, once per scenario, and prints what happened as JSON.
//   node run-workflow.mjs <asl file> <scenarios.json>   (scenarios: [{name, registerAction?, faults?}])
// A fault {"State": {"name": "LongVqa.X", "message": "...", "times": n}} makes the first n calls of that
// Task state throw that error (times -1: every call). Assertions live in the Java test (AslExecutionTest).
import { readFileSync } from 'node:fs';

// aws-local-stepfunctions 3 uses Promise.withResolvers (Node >= 22); give Node 20 the same thing.
if (!Promise.withResolvers) {
  Promise.withResolvers = function withResolvers() {
    let resolve, reject;
    const promise = new this((res, rej) => { resolve = res; reject = rej; });
    return { promise, resolve, reject };
  };
}
const { StateMachine } = await import('aws-local-stepfunctions');

const [aslFile, scenariosFile] = process.argv.slice(2);
// Placeholders get recognisable stand-ins, as definition substitutions would at deploy time.
// A scenario may name the stack's transcript source (scenario.transcriptSource, default 'worker').
const definitionFor = (scenario) => JSON.parse(readFileSync(aslFile, 'utf8').replace(/\$\{([A-Za-z]+)\}/g, (_, name) =>
  name.endsWith('FunctionArn') ? `arn:aws:lambda:us-east-1:123456789012:function:${name}`
    : name === 'TranscriptSource' ? (scenario.transcriptSource ?? 'worker') : `substituted:${name}`));
const scenarios = JSON.parse(readFileSync(scenariosFile, 'utf8'));

const JOB = 'job-1';
const VIDEO = { bucket: 'uploads', key: 'videos/talk.mp4', etag: 'abc', sizeBytes: 1234 };
const RANGES = [0, 1, 2].map((i) => ({ index: i, startSec: i * 10, endSec: (i + 1) * 10 }));
const SEGMENTS = [0, 1].map((i) => ({ index: i, startSec: i * 15, endSec: (i + 1) * 15 }));
const lambda = (payload) => ({ Payload: payload, StatusCode: 200, ExecutedVersion: '$LATEST' });

// The fakes answer from their input, so Map iterations may run in any order.
function fakes(scenario) {
  let transcribePolls = 0;
  return {
    RegisterJob: () => lambda({ jobId: JOB, action: scenario.registerAction ?? 'START', video: VIDEO,
      questions: [{ id: 'q1', text: 'What happens?' }] }),
    PlanRanges: () => lambda({ durationSec: 30, width: 640, height: 360, ranges: RANGES }),
    DecodeRange: (p) => lambda({ index: p.Payload.range.index, frames: 10,
      embeddingsKey: `jobs/${JOB}/embeddings/${p.Payload.range.index}.json` }),
    Segment: () => lambda({ scenesKey: `jobs/${JOB}/scenes.json`, sceneCount: 4, frameCount: 30, segments: SEGMENTS }),
    ReasonSegment: (p) => ({ segmentKey: `jobs/${JOB}/segments/${p.MessageBody.segment.index}.json`,
      tokens: { prompt: 100, completion: 20 }, visualTokens: 900, tdcMs: 40, audioTokens: 500, audioMs: 30, elapsedMs: 700 }),
    Answer: (p) => ({ answers: p.MessageBody.questions.map((q) => ({ questionId: q.id,
      answerKey: `jobs/${JOB}/answers/${q.id}.json`, answer: 'A talk.' })), tokens: { prompt: 300, completion: 5 },
      visualTokens: 2000, tdcMs: 90, audioTokens: 1000, audioMs: 0, elapsedMs: 1200 }),
    RecordResult: (p) => lambda({ jobId: p.Payload.jobId, status: 'SUCCEEDED' }),
    // Amazon Transcribe (SDK integration): IN_PROGRESS for scenario.transcribePolls polls, then COMPLETED
    // (-1: never done); TranscriptSkipped notes why the audio was skipped in the job row
    StartTranscription: () => ({ TranscriptionJob: { TranscriptionJobStatus: 'IN_PROGRESS' } }),
    GetTranscription: (p) => {
      transcribePolls++;
      const done = scenario.transcribePolls >= 0 && transcribePolls > scenario.transcribePolls;
      return { TranscriptionJob: { TranscriptionJobName: p.TranscriptionJobName,
        TranscriptionJobStatus: done ? 'COMPLETED' : 'IN_PROGRESS' } };
    },
    TranscriptSkipped: () => ({}),
    RecordFailure: (p) => lambda({ jobId: p.Payload.jobId, status: 'FAILED' }),
  };
}

async function run(scenario) {
  const calls = [];
  const handlers = {};
  const retryIntervalOverrides = {};
  for (const [state, fake] of Object.entries(fakes(scenario))) {
    let failuresLeft = scenario.faults?.[state]?.times ?? 0;
    retryIntervalOverrides[state] = 0; // keep the backoff's shape, not its wall-clock time
    handlers[state] = async (input) => {
      calls.push({ state, input });
      if (failuresLeft !== 0) {
        failuresLeft--;
        const fault = scenario.faults[state];
        const error = new Error(fault.message ?? fault.name);
        error.name = fault.name;
        throw error;
      }
      return fake(input);
    };
  }
  const event = { version: '0', id: 'event-1', 'detail-type': 'Object Created', source: 'aws.s3',
    account: '123456789012', time: '2026-01-01T00:00:00Z', region: 'us-east-1', resources: [],
    detail: { version: '0', bucket: { name: VIDEO.bucket },
      object: { key: VIDEO.key, size: VIDEO.sizeBytes, etag: VIDEO.etag }, reason: 'PutObject' } };
  const execution = new StateMachine(definitionFor(scenario)).run(event, {
    overrides: { taskResourceLocalHandlers: handlers, retryIntervalOverrides, waitTimeOverrides: { WaitForTranscript: 0 } },
    context: { Execution: { Id: 'arn:aws:states:us-east-1:123456789012:execution:longvqa:run-1', Input: event },
      Task: { Token: 'task-token-1' } },
  });
  try {
    return { status: 'SUCCEEDED', output: await execution.result, calls };
  } catch (e) {
    const cause = e.cause ?? e;
    return { status: 'FAILED', error: cause.name, cause: cause.message, calls };
  }
}

const results = {};
for (const scenario of scenarios) results[scenario.name] = await run(scenario);
process.stdout.write(JSON.stringify(results));
