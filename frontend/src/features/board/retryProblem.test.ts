import { ApiError } from "../../api/client";
import { retryRefusal } from "./retryProblem";

const problem = (status: number, detail: string) => new ApiError(status, { title: "数据冲突", detail }, "HTTP");

describe("why a retry was refused", () => {
  it("reads a retry already running, with its task", () => {
    const task = "0b6c1a52-4a8e-4f43-9d3f-2f1e5d1c9a10";
    expect(retryRefusal(problem(409, `a retry of this SKU is already running (task ${task}); wait for its outcome`))).toEqual({
      key: "board.retry.problem.running",
      detail: `数据冲突: a retry of this SKU is already running (task ${task}); wait for its outcome`,
      runningTaskId: task,
    });
  });

  it("reads a resolved group, one OpenClaw did not push and a value that would be refused again", () => {
    expect(retryRefusal(problem(409, "this group is handled (resolved): reopen it to retry")).key).toBe("board.retry.problem.resolved");
    expect(
      retryRefusal(problem(409, "no failed push of this SKU by OpenClaw: the errors were reported by another system, retry it there")).key,
    ).toBe("board.retry.problem.notOurs");
    expect(retryRefusal(problem(422, "the value wanted now would be refused again: price must be greater than 0")).key).toBe(
      "board.retry.problem.refused",
    );
  });

  it("shows any other problem as the API wrote it", () => {
    expect(retryRefusal(problem(503, "database unavailable"))).toEqual({ key: null, detail: "数据冲突: database unavailable", runningTaskId: null });
  });
});
