using System.Text.Json.Nodes;

namespace IncidentOrchestrator.Hosting;

/// <summary>
/// What each operation of the API is for, in a sentence a generated client shows next to the method, and examples of
/// the bodies people send and get most (signals, runs). A test keeps every operation here.
/// </summary>
public static class OpenApiOperations
{
    /// <param name="RequestContentType">For an endpoint that reads its body itself: the media type its example is sent as.</param>
    public sealed record Operation(string Summary, string? Description = null, string? RequestExample = null, string? ResponseExample = null,
        string? ResponseStatus = null, string? RequestContentType = null);

    public static readonly Dictionary<string, Operation> All = new(StringComparer.Ordinal)
    {
        ["POST /api/signals"] = new("Send a detection signal",
            "Opens an incident, or joins the open incident with the same fingerprint (its severity can rise). Playbooks whose trigger matches " +
            "start on a new incident. Idempotent per source and fingerprint within the deduplication window.",
            """
            {
              "source": "acl-drift-scanner",
              "type": "dataset.acl_drift",
              "severity": "high",
              "fingerprint": "warehouse:hr.employee_activity:all_engineers",
              "title": "hr.employee_activity readable by all_engineers",
              "observedAt": "2026-11-30T08:00:00Z",
              "attributes": { "dataset": "hr.employee_activity", "grantee": "all_engineers", "connection": "warehouse" }
            }
            """,
            """
            {
              "signalId": "01a22c87-f14a-741b-9c77-ae5c98d07c9c",
              "incidentId": "01a22c87-f14a-741b-9c77-ae5c98d07c9d",
              "correlated": false,
              "runIds": ["01a22c87-f14b-7ebb-abb0-af571d4329a8"]
            }
            """, "202"),
        ["POST /api/signals/alertmanager"] = new("Take a Prometheus Alertmanager notification",
            "The body Alertmanager posts to a webhook receiver (version 4). Each firing alert becomes a signal: its fingerprint is " +
            "Alertmanager's (or the labels in Integrations__Alertmanager__FingerprintLabels), its severity comes from the severity " +
            "label through a mapping, its title from the summary annotation. Each resolved alert is recorded on the open incident of " +
            "its fingerprint, and when every fingerprint of an incident has resolved the timeline says so; the incident stays open. " +
            "Authenticated with a bearer token (ingest) or the basic auth configured for Alertmanager's http_config.",
            """
            {
              "version": "4", "groupKey": "{}:{alertname=HRShareWorldReadable}", "status": "firing", "receiver": "incidents",
              "groupLabels": { "alertname": "HRShareWorldReadable" }, "commonLabels": { "alertname": "HRShareWorldReadable", "severity": "critical" },
              "commonAnnotations": {}, "externalURL": "http://alertmanager:9093", "truncatedAlerts": 0,
              "alerts": [{
                "status": "firing", "labels": { "alertname": "HRShareWorldReadable", "severity": "critical", "share": "hr-activity" },
                "annotations": { "summary": "hr-activity share is readable by all staff" },
                "startsAt": "2026-11-30T09:12:00Z", "endsAt": "0001-01-01T00:00:00Z",
                "generatorURL": "http://prometheus:9090/graph?g0.expr=acl_world_readable", "fingerprint": "c3d2a1b0e9f8a7b6"
              }]
            }
            """),
        ["POST /api/signals/cloudevents"] = new("Take CloudEvents",
            "CloudEvents 1.0: structured (application/cloudevents+json), a batch (application/cloudevents-batch+json) or binary mode " +
            "(ce-* headers, the body is the data). type and source are the signal's; the fingerprint is the fingerprint extension, " +
            "else data.fingerprint, else subject; the severity is the severity extension, else data.severity, else " +
            "Integrations__CloudEvents__DefaultSeverity. A retry of an event with the same source and id stores nothing and gets " +
            "the first answer again, with duplicate: true.",
            """
            {
              "specversion": "1.0", "id": "A234-1234-1234", "source": "/dlp/hr-share", "type": "com.example.dlp.bulk-download",
              "subject": "hr-activity", "time": "2026-11-30T09:12:00Z", "severity": "high", "datacontenttype": "application/json",
              "data": { "title": "ann downloaded 9,000 files", "user": "ann" }
            }
            """, RequestContentType: "application/cloudevents+json"),
        ["POST /api/signals/pagerduty"] = new("Take a PagerDuty Events API v2 event",
            "The body tools send to PagerDuty's Events API v2. trigger becomes a signal whose fingerprint is the dedup_key (made " +
            "and returned when absent); severity critical, error, warning, info map to critical, high, medium, low; acknowledge and " +
            "resolve are recorded on the open incident of that dedup_key.",
            """
            {
              "routing_key": "samplekeyhere", "event_action": "trigger", "dedup_key": "hr-share-acl",
              "payload": { "summary": "hr-activity share readable by all staff", "source": "acl-monitor", "severity": "critical",
                           "component": "warehouse", "group": "hr", "class": "acl.world-readable", "custom_details": { "share": "hr-activity" } }
            }
            """),
        ["POST /api/integrations/slack/actions"] = new("Take a press of a Slack button",
            "Slack's interactivity request (a form with a block_actions payload) for the Acknowledge and Approve buttons of our Slack " +
            "messages. No bearer token: the request must carry Slack's v0 signature (X-Slack-Signature over X-Slack-Request-Timestamp " +
            "and the body, with Integrations__Slack__SigningSecret), be at most five minutes old and not seen before, and come from a " +
            "Slack user mapped in Integrations__Slack__Users. Then the API's own rules apply. Every refusal is recorded."),
        ["GET /api/integrations/refusals"] = new("List refused chat requests",
            "Admins. The newest requests from chat tools that were refused: a forged or stale signature, a replay, an unknown user."),
        ["POST /api/signals/batch"] = new("Send several signals at once",
            "Each element is a signal as POST /api/signals takes it; the answer has one result per signal, in order.",
            """
            [
              { "source": "dlp", "type": "bulk.download", "severity": "medium", "fingerprint": "dlp:ann:hr-share", "title": "ann downloaded 4,000 files" },
              { "source": "dlp", "type": "bulk.download", "severity": "high", "fingerprint": "dlp:ann:hr-share", "title": "ann downloaded 9,000 files" }
            ]
            """),
        ["GET /api/incidents"] = new("List incidents, newest first",
            "Filters: status, severity, commander (a subject, me or none), restricted, from/to (opened), q (title text). " +
            "50 a page (limit up to 500); the next page's URL is in the Link header."),
        ["POST /api/incidents"] = new("Declare an incident", "Commanders. The declarer commands it and is its first participant."),
        ["GET /api/incidents/{id}"] = new("Read an incident", "Status, severity, phase, commander, participants, times and runs."),
        ["GET /api/incidents/{id}/timeline"] = new("Read an incident's timeline",
            "A page at a time: after= (oldest first) or before= (newest first); filters types, actor, from, system=false."),
        ["GET /api/incidents/{id}/timeline/stream"] = new("Follow an incident's timeline live",
            "Server-sent events: connected, then one timeline event per item as it is recorded, its id the item's sequence. Resumes " +
            "after Last-Event-ID; starts from now unless after= says where."),
        ["GET /api/incidents/{id}/verify"] = new("Verify an incident's hash chain", "Recomputes every link; says where the history was rewritten, if anywhere."),
        ["GET /api/incidents/{id}/report"] = new("Read the post-incident report", "Markdown: times to detect, contain and resolve, what each run did, evidence."),
        ["GET /api/incidents/{id}/export"] = new("Export an incident", "Everything about it as JSON, with its chain, re-verifiable offline."),
        ["GET /api/incidents/{id}/access-log"] = new("Read who read a restricted incident", "Commanders of the incident and admins."),
        ["POST /api/incidents/{id}/participants"] = new("Add a participant", "Gives a person need-to-know on the incident."),
        ["POST /api/incidents/{id}/status"] = new("Resolve an incident, begin its review, or close it",
            "{status: resolved|reviewing|closed, reason?}. 409 when the incident is already there or closed, when its review begins before it is resolved, " +
            "and when a high or critical incident (Incidents__ReviewRequiredFor) would close before every field of its review is written: the errors name the fields."),
        ["PUT /api/incidents/{id}/review"] = new("Write the post-incident review",
            "The fields given are written (an empty text clears one), each change an event with who and when: summary, impact {people, data, duration}, " +
            "rootCause, contributingFactors, wentWell, wentBadly. By the incident's commander and participants and admins (403 otherwise); 409 once it is closed.",
            """{"rootCause":"A group grant added for the AI-training pipeline included all staff.","impact":{"people":"412 employees"}}"""),
        ["POST /api/incidents/{id}/review/decisions"] = new("Record a decision of the review meeting",
            "{decision}: on the incident's timeline and in its report. By those who may write the review."),
        ["GET /api/incidents/{id}/followups"] = new("List an incident's follow-ups", "Oldest first, with status, owner, due date and whether it is overdue."),
        ["POST /api/incidents/{id}/followups"] = new("Create a follow-up",
            "{title, description?, owner?, due?, priority?, tags?}. Left out, the commander owns it, it is due by the incident's severity " +
            "(FollowUps__DueWithin__Critical: 14 days; high 30, medium 60, low 90) and as urgent. owner: alice, user:alice or oncall:<rotation>; due: a date " +
            "(its whole day, UTC), a date and time, or a duration (14d). The owner gets need-to-know, is reminded before the due date, and an overdue " +
            "follow-up goes to the commander, then leadership. 201 with its id; 403 for who takes no part in the incident.",
            """{"title":"Give hr.employee_activity an owner","owner":"user:hana.owner","due":"30d","tags":["safeguard","programme:ai-training"]}""",
            ResponseStatus: "201"),
        ["GET /api/followups"] = new("List follow-ups",
            "Those the caller may see, soonest due first, paged (limit, cursor; next page in Link). Filters: incident, owner (me for yourself), " +
            "status (open, in-progress, done, wont-do; comma list), overdue, severity, tag."),
        ["POST /api/followups/{followUpId}/export"] = new("Export a follow-up to a tracker",
            "{tracker}: a tracker configured by name (Trackers__<name>__Kind github or jira). 202: the issue is made in the background, found again by " +
            "the label followup-<id> if an earlier attempt made it, so one issue per follow-up however often it is retried; the follow-up's links say " +
            "where it is. Asking again changes nothing. A restricted incident's follow-up goes out as \"A follow-up of a restricted incident\" unless " +
            "the tracker's RestrictedTitles is on. By its owner and whoever takes part in the incident; 400 names an unknown tracker."),
        ["POST /api/trackers/{tracker}/webhook"] = new("Take a tracker's webhook",
            "GitHub's issues event (signed X-Hub-Signature-256) or Jira's jira:issue_updated (signed X-Hub-Signature), both sha256=<hex HMAC-SHA256 of " +
            "the body with the tracker's WebhookSecret>: an issue closed moves its follow-up to done, reopened back to open. A body not signed so is " +
            "401 and recorded; a delivery taken before (X-GitHub-Delivery, X-Atlassian-Webhook-Identifier) changes nothing. 404 for a tracker " +
            "without a webhook secret."),
        ["GET /api/metrics/followups"] = new("Follow-up figures",
            "Pending and overdue follow-ups now by the incident's severity (and how long overdue: under 7 days, 7 to 30, over 30), and per month of the " +
            "window (from, to; by default the last 90 days) the follow-ups due that month: done by the due date, done late, pending, won't do, and the " +
            "on-time rate. Only follow-ups of incidents the caller may see count."),
        ["GET /api/followups/{followUpId}"] = new("Read a follow-up", "For those who may see its incident, and its owner."),
        ["POST /api/followups/{followUpId}/status"] = new("Change a follow-up's status",
            "{status: open|in-progress|done|wont-do, reason?}: wont-do needs a reason. By its owner, the incident's commander and participants, and admins, " +
            "after the incident closed too. A follow-up reopened after its due date is escalated again."),
        ["POST /api/incidents/{id}/commander"] = new("Hand command over", "By the incident's commander or an admin; anyone who commands may take an incident nobody commands."),
        ["GET /api/incidents/{id}/evidence"] = new("List the evidence captured for an incident", "Names, row counts and SHA-256 hashes."),
        ["GET /api/incidents/{id}/evidence/{evidenceId}"] = new("Read one piece of evidence", "Its rows are redacted for readers without need-to-know."),
        ["POST /api/incidents/{id}/runs"] = new("Start a playbook on an incident",
            "Commanders. The inputs are checked against the playbook's declared inputs; the run is durable and survives restarts.",
            """
            {
              "playbook": "sensitive-data-exposure",
              "inputs": { "dataset": "hr.employee_activity", "grantee": "all_engineers", "warehouse": "warehouse", "programme": "activity-insights" }
            }
            """,
            """
            { "runId": "01a22c87-f14b-7ebb-abb0-af571d4329a8" }
            """, "202"),
        ["GET /api/incidents/{id}/runs/{runId}"] = new("Read a run and its steps",
            "Each step's status, attempts, outcome, outputs and error; the run's status (running, waiting, succeeded, failed, compensated, cancelled).",
            ResponseExample: """
            {
              "runId": "01a22c87-f14b-7ebb-abb0-af571d4329a8",
              "incidentId": "01a22c87-f14a-741b-9c77-ae5c98d07c9d",
              "playbook": "sensitive-data-exposure",
              "status": "waiting",
              "steps": [
                { "id": "revoke-grant", "status": "succeeded", "attempts": 1, "outcome": "succeeded", "nextAttemptAt": null, "error": null },
                { "id": "scope-exposure", "status": "waiting", "attempts": 0, "outcome": null, "nextAttemptAt": null, "error": null }
              ]
            }
            """, ResponseStatus: "200"),
        ["POST /api/incidents/{id}/runs/{runId}/cancel"] = new("Cancel a run", "Commanders. Steps already done are compensated where the playbook says how."),
        ["POST /api/incidents/{id}/runs/{runId}/steps/{stepId}/retry"] = new("Retry an escalated step", "Commanders."),
        ["POST /api/incidents/{id}/runs/{runId}/steps/{stepId}/skip"] = new("Skip an escalated step", "Commanders."),
        ["GET /api/tasks"] = new("List tasks", "mine=true for the caller's; filters incident and status."),
        ["POST /api/tasks/{taskId}/ack"] = new("Acknowledge a task", "The assignee (or a commander): stops the acknowledgement escalation."),
        ["POST /api/tasks/{taskId}/complete"] = new("Complete a task with its outputs", "The outputs the step declares; the run goes on with them."),
        ["GET /api/approvals"] = new("List approvals", "mine=true for those waiting for the caller's decision."),
        ["POST /api/approvals/{approvalId}/decision"] = new("Approve or reject", "One approver, one decision; whoever started the run may not approve it."),
        ["GET /api/playbooks"] = new("List the loaded playbooks"),
        ["GET /api/datasets"] = new("List the catalogue's datasets", "Name, classification, where each lives, its owner and the purposes it is approved for."),
        ["GET /api/datasets/{name}"] = new("Read a dataset's declaration",
            "Everything its file declares (standing roles, longest grant, approvers and quorum, break-glass, review interval), its text and hash, and the catalogue's version."),
        ["GET /api/catalogue/versions"] = new("List the catalogue's versions",
            "Every version of the catalogue as a whole the service has used (the catalogueHash a dataset shows), with the hash of each dataset's file in it."),
        ["POST /api/datasets/reload"] = new("Reload the catalogue's folder", "All or nothing: a broken catalogue leaves the one in use in place; 422 with every error."),
        ["POST /api/access-requests"] = new("Request access to a catalogued dataset",
            "{dataset, grantee, purpose, duration, reason, ticket?}: checked against the catalogue (400 naming the field), then carried out by a run of " +
            "the access-request playbook on the request's own stream: its catalogue approvers decide (the requester never counts), the grant is made " +
            "and read back, and taken back at its end. 202 with the request's id and its run's."),
        ["GET /api/access-requests"] = new("List access requests",
            "The requests the caller may see (theirs, those they are asked to decide, all for administrators), newest first, limit at a time (default " +
            "50, at most 500), the next page in the Link header. Filters: status (one or a comma list), dataset, mine (asked by the caller)."),
        ["GET /api/access-requests/{id}"] = new("Read an access request",
            "Its status (pending, granted, ended, refused, withdrawn, expired, failed, unrevoked), the decisions that count, its grant and end, the " +
            "catalogue versions it was checked against, and its run step by step. 404 for those it does not concern."),
        ["POST /api/catalogue/replay"] = new("Try a tightened dataset file against the access already given",
            "{text}: one dataset file as it might become. Which live grants (and pending requests) and which past approvals it would refuse, and " +
            "why (a purpose no longer approved, a duration over its limit, break-glass not allowed, other approvers), and which standing roles " +
            "it drops. Nothing changes, unless openReview is true: then those live grants and dropped standing roles are put to the dataset's owner in an " +
            "access review (its id in reviewId). 422 with every error of a text that does not parse. For the dataset's owner and stewards, privacy and " +
            "administrators."),
        ["GET /api/metrics/access"] = new("Read the figures of access to sensitive datasets",
            "from, to (as the summary): requests asked and how they ended, break-glass use, the median time their approvers took to decide, and " +
            "standing roles against time-boxed grants now. Counts only."),
        ["GET /api/access-requests/{id}/history"] = new("Read an access request's history",
            "Every event of its stream, oldest first (asked, decided, granted, ended, its run's steps), and whether the history verifies: each " +
            "event linked by SHA-256 to the one before. For those who may see the request (404 for others); the read is recorded."),
        ["POST /api/access-requests/{id}/extend"] = new("Extend a granted access request",
            "{duration, reason}: a new request for the same grantee, dataset and purpose, checked against the catalogue as it is now and decided " +
            "by its approvers; granted before the first one's end, it holds the access on and the first ends without a revoke in between. 202 with " +
            "the new request's id; 409 unless the request is granted; 404 for those it does not concern."),
        ["POST /api/access-requests/{id}/revoke"] = new("End an access request early",
            "{reason}: a pending request is withdrawn; a granted (or unrevoked) one is revoked on its database and read back, and its run cancelled " +
            "(a refusal by the database is recorded on the request, the grant left for its end). 202; 409 when it has already ended. For its requester, its approvers and administrators (404 for others)."),
        ["POST /api/access-reviews"] = new("Review a dataset's access now",
            "{dataset, within?}: reads who holds what on the dataset's table and asks its owner, one task per grant (the catalogue's standing roles, " +
            "and requested or break-glass grants that outlive the answer's due date), to keep it (with a reason) or revoke it. Unanswered by the " +
            "due date (within, by default Access__ReviewWithin) a task escalates to the dataset's first steward; as long again, a restricted " +
            "dataset's unanswered grants are revoked. 202 with the review's id; 503 when the dataset's database does not answer. For the dataset's " +
            "owner and stewards, privacy and administrators."),
        ["GET /api/access-reviews"] = new("List access reviews",
            "The reviews of datasets the caller answers for (owner, steward, privacy, administrators), newest first, limit at a time (default 50, at " +
            "most 500), the next page in the Link header. Filters: dataset, status (open, completed), overdue (open past its due date)."),
        ["GET /api/access-reviews/{id}"] = new("Read an access review",
            "Why it opened (schedule, incident, catalogue-replay, asked), its due date and deadline, and each grant with its answer: kept with a " +
            "reason, or revoked and read back. 404 for those it does not concern; the read is recorded."),
        ["POST /api/access-reviews/{id}/answer"] = new("Keep or revoke a grant under review",
            "{grantee, decision: keep|revoke, reason}: completes the grant's review task (the same rule as completing it from My work: its " +
            "assignee, or whom it escalated to); a revoke follows at once, on the database, read back and recorded on the review (and on the " +
            "request, for a requested grant). 202; 400 naming the field (a reason is required to keep); 409 when answered already."),
        ["GET /api/datasets/{name}/grants"] = new("Read who holds which privileges on a dataset now",
            "Read from the dataset's database when asked: each grantee with its privileges, and whether it is allowed: the catalogue's standing " +
            "access, or an approved request's grant until its end (named, with its end); anything else is drift. For a schema-level dataset, a connection not configured here or a database that does not answer, " +
            "no grants and 'unchecked' saying why."),
        ["GET /api/datasets/{name}/access"] = new("Read who could read a dataset at an instant",
            "at (ISO 8601, default now): the roles the catalogue's version in force then let read it, the grants of access requests live then " +
            "(who approved each, under which dataset version), and drift the scanner had detected and not yet contained (its incident for " +
            "those who may see it). For the dataset's owner and stewards, privacy and administrators."),
        ["GET /api/datasets/{name}/versions"] = new("List a dataset's versions", "Every version of its file the service has loaded, by hash, with when it was first loaded."),
        ["GET /api/datasets/{name}/versions/{hash}"] = new("Read one version of a dataset's file"),
        ["GET /api/datasets/{name}/diff"] = new("Compare two versions of a dataset's file line by line", "from= an older hash; to= a newer one (default: the loaded version)."),
        ["GET /api/playbooks/{name}"] = new("Read a playbook", "Its text, hash, inputs and steps."),
        ["POST /api/playbooks/validate"] = new("Validate playbook text", "Every error with its line and column; nothing is loaded."),
        ["POST /api/playbooks/reload"] = new("Reload the playbook folder", "All or nothing: a broken set leaves the loaded one in place."),
        ["POST /api/playbooks/{name}/dry-run"] = new("Plan a run without doing anything", "Which steps would run, skip or wait, with assumed outcomes."),
        ["GET /api/playbooks/{name}/versions"] = new("List a playbook's versions",
            "Every version that ran (runs pin their text by hash) or is loaded: first and last use, run count, how the runs ended."),
        ["GET /api/playbooks/{name}/versions/{hash}"] = new("Read one version's exact text"),
        ["GET /api/playbooks/{name}/diff"] = new("Compare two versions line by line", "from= an older hash; to= a newer one (default: the loaded version)."),
        ["POST /api/playbooks/replay"] = new("Replay a candidate version over recorded runs",
            "What the candidate would have done on runs already recorded (by incident ids or a time window), step by step, and how that differs " +
            "from what happened: not-taken, new, changed-parameters, changed-outcome, changed-policy. Nothing is executed; the replay itself is " +
            "recorded for the audit trail. Runs on incidents the caller may not see are counted, not shown.",
            """
            {
              "text": "apiVersion: incidents/v1\nkind: Playbook\nname: sensitive-data-exposure\n…",
              "from": "2026-09-01T00:00:00Z",
              "limit": 100,
              "decisions": { "page-dpo": "succeeded" }
            }
            """,
            """
            {
              "playbook": "sensitive-data-exposure",
              "candidateHash": "5f0c…",
              "runs": [
                {
                  "incidentId": "01a22c87-f14a-741b-9c77-ae5c98d07c9d", "runId": "01a22c87-f14b-7ebb-abb0-af571d4329a8",
                  "recordedHash": "ef23…", "recordedStatus": "succeeded", "candidateStatus": "succeeded",
                  "steps": [ { "id": "suspend-programme", "recorded": "succeeded", "candidate": "skipped", "disposition": "skip",
                               "reason": "when 'inputs.programme != null && incident.severity != 'low'' is false", "assumed": false } ],
                  "differences": [ { "kind": "not-taken", "step": "suspend-programme",
                                     "detail": "'suspend-programme' ran (succeeded) in the record; the candidate would not: when … is false" } ]
                }
              ],
              "hidden": 0,
              "note": null
            }
            """, "200"),
        ["GET /api/programmes"] = new("List programmes", "Whether each is suspended, by which incident, until when."),
        ["POST /api/detection/scan"] = new("Scan for access drift now", "Admins. Compares the warehouse's grants with the access policy."),
        ["GET /api/metrics/summary"] = new("Read the response figures", "Mean times to detect, acknowledge, contain and resolve, over the incidents the caller may see."),
        ["GET /api/metrics/weekly"] = new("Read leadership's weekly series",
            "Incidents opened and contained and mean minutes to contain, per week of the window, and open incidents by age; over the incidents the caller may see, optionally of some severities."),
        ["GET /api/stream"] = new("Follow the caller's notifications live", "Server-sent events: tasks, escalations, approvals, run outcomes."),
    };

    public static void Describe(Microsoft.OpenApi.OpenApiOperation operation, string method, string route)
    {
        if (!All.TryGetValue($"{method} {route}", out var known)) return;
        operation.Summary = known.Summary;
        operation.Description ??= known.Description;
        if (known.RequestExample is { } request && operation.RequestBody?.Content?.TryGetValue("application/json", out var body) == true)
            body.Example = JsonNode.Parse(request);
        else if (known.RequestExample is { } raw && known.RequestContentType is { } type && operation.RequestBody is null)
            operation.RequestBody = new Microsoft.OpenApi.OpenApiRequestBody
            {
                Required = true,
                Content = new Dictionary<string, Microsoft.OpenApi.OpenApiMediaType> { [type] = new() { Example = JsonNode.Parse(raw) } },
            };
        if (known.ResponseExample is { } response && operation.Responses?.TryGetValue(known.ResponseStatus ?? "200", out var answer) == true
            && answer.Content?.TryGetValue("application/json", out var content) == true)
            content.Example = JsonNode.Parse(response);
    }
}
