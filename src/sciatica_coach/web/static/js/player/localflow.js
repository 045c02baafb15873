// The session's next step decided on this device, so a session can run to its end with no network. The same rules
// the server applies (domain/engine/flow.py and record.py), kept small: a timed step done moves on by one; a symptom
// check showing symptoms further down either leg than the check before, or pain above the red line the server sent
// (`offline.pain_limit`), ends that exercise (pain above the red line ends the session); Skip goes to the check
// that closes the exercise; Stop ends the session. The server still has the last word: its answers replace this
// state (`adopt`) once they arrive.
const CHECKS = ["check-before", "check-between", "check-after"];
const CLOSING = ["check-between", "check-after"];

export class LocalFlow {
  /** `detail`: the server's answer to GET /api/sessions/{id} (script, position, record, offline rules). */
  constructor(detail) {
    this.script = detail.script;
    this.rules = detail.offline;
    this.lastEnd = null; // the check that has just ended an exercise: {index, ended}
    this.adopt(detail);
  }

  /** Take the server's state as it is. */
  adopt(state) {
    this.position = state.position;
    this.status = state.status;
    this.record = structuredClone(state.record);
    this.lastEnd = null;
  }

  get running() {
    return this.status === "in_progress";
  }

  /** Where a reloaded player picks up: the start of the rep under way (record.py's rep_start). */
  get resume() {
    let i = this.position;
    if (i >= this.script.length || !["hold", "return"].includes(this.script[i].kind)) return i;
    while (i > 0 && this.script[i].kind !== "move") i -= 1;
    return i;
  }

  advanceTo(position) {
    this.position = Math.min(position, this.script.length);
    if (this.position >= this.script.length && this.running) this.status = "completed";
  }

  nextExerciseStart(position) {
    const current = this.script[position]?.exercise_index;
    let i = position;
    while (i < this.script.length && this.script[i].exercise_index === current) i += 1;
    return i;
  }

  /** Timed step `index` is done (a repeat, or a step not next, changes nothing). */
  complete(index) {
    const phase = this.script[index];
    if (!this.running || index !== this.position || !phase || CHECKS.includes(phase.kind)) return;
    const exercise = this.record.exercises[phase.exercise_index];
    if (phase.kind === "return") exercise.reps_done[phase.side] = (exercise.reps_done[phase.side] || 0) + 1;
    else if (phase.kind === "hold") exercise.holds_completed += 1;
    this.lastEnd = null;
    this.advanceTo(index + 1);
  }

  /** The check a new answer is compared with (stepdown.py's check_before). */
  earlier(exerciseIndex, when) {
    const exercises = this.record.exercises;
    if (when === "after") return exercises[exerciseIndex].pain_before;
    for (let i = exerciseIndex - 1; i >= 0; i -= 1) {
      const latest = exercises[i].pain_after || exercises[i].pain_before;
      if (latest) return latest;
    }
    return null;
  }

  /** Why a check ends its exercise, or null (stepdown.py's judge). */
  judge(report, earlier, when) {
    const rank = (reach) => this.rules.reach_levels.indexOf(reach);
    const reasons = [];
    if (earlier && (rank(report.left_reach) > rank(earlier.left_reach) || rank(report.right_reach) > rank(earlier.right_reach)))
      reasons.push("spreading");
    const pain = Math.max(report.back, report.leg);
    if (pain > this.rules.pain_limit) reasons.push("pain");
    return reasons.length ? { reasons, check: when, pain, limit: this.rules.pain_limit, changes: [] } : null;
  }

  /** Answer check step `index` (record.py's apply_check); returns the early end it calls for, or null. */
  check(index, report) {
    const phase = this.script[index];
    if (!this.running || index !== this.position || !phase || !CHECKS.includes(phase.kind)) return null;
    const when = phase.kind === "check-before" ? "before" : "after";
    const exercises = this.record.exercises;
    const ended = this.judge(report, this.earlier(phase.exercise_index, when), when);
    exercises[phase.exercise_index][when === "before" ? "pain_before" : "pain_after"] = { ...report };
    let following = index + 1;
    if (ended) {
      exercises[phase.exercise_index].ended = ended;
      following = this.nextExerciseStart(index);
      if (ended.reasons.includes("pain")) this.status = "stopped";
    }
    if (phase.kind === "check-between" && this.running) exercises[phase.exercise_index + 1].pain_before = { ...report };
    this.advanceTo(following);
    this.lastEnd = ended ? { index, ended } : null;
    return ended;
  }

  /** Skip the rest of the exercise under way (record.py's skip_target); `at` is where the player was. */
  skip(at) {
    if (!this.running || at < this.position) return;
    const phase = this.script[this.position];
    if (!CLOSING.includes(phase.kind)) this.record.exercises[phase.exercise_index].skipped = true;
    const end = this.nextExerciseStart(this.position);
    const closing = end - 1;
    this.lastEnd = null;
    this.advanceTo(this.position < closing && this.script[closing].kind === "check-between" ? closing : end);
  }

  /** Stop because it hurts. */
  stop(report) {
    if (!this.running) return;
    const exercise = this.record.exercises[this.script[Math.min(this.position, this.script.length - 1)].exercise_index];
    if (report && report.back !== undefined) exercise.pain_after = { ...report };
    exercise.stopped_for_pain = true;
    this.status = "stopped";
  }

  /** Apply one save as the server will (a save kept in the outbox, on a reload while offline). */
  apply(action, body) {
    if (action === "progress") this.complete(body.completed_index);
    else if (action === "check") {
      const { index, ...report } = body;
      this.check(index, report);
    } else if (action === "skip") this.skip(body.index ?? this.position);
    else if (action === "stop") this.stop(body);
  }

  /** The step-down advice for an early end decided here, in the server's words for that check. */
  advice(index, ended) {
    const words = this.rules.checks[String(index)];
    const endsSession = ended.reasons.includes("pain");
    const why = [];
    if (ended.reasons.includes("spreading")) why.push(words.why.spreading);
    if (endsSession) why.push(words.why.pain[String(ended.pain)]);
    const phase = this.script[index];
    return {
      exercise_id: phase.exercise_id,
      exercise_index: phase.exercise_index,
      ends_session: endsSession,
      title: words.title,
      why,
      now: endsSession ? words.now.pain : words.now.spreading,
      program: words.program,
      worsening: words.worsening,
      offline: true,
    };
  }

  /** The advice of the check that has just ended an exercise, if nothing has been done since (a reload). */
  pendingAdvice() {
    return this.lastEnd ? this.advice(this.lastEnd.index, this.lastEnd.ended) : null;
  }
}
