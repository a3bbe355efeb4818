import { translate } from "../../app/language";
import { actorLabel } from "./actor";

const zh = (key: Parameters<typeof translate>[1], vars?: Record<string, string | number>) => translate("zh-CN", key, vars);
const en = (key: Parameters<typeof translate>[1], vars?: Record<string, string | number>) => translate("en", key, vars);
const names = new Map([["3f2a9c1e-0000-4000-8000-000000000001", "运营 Olivia"]]);

describe("who started a task", () => {
  it("names a known user, and an unknown one by the start of their id", () => {
    expect(actorLabel("user:3f2a9c1e-0000-4000-8000-000000000001", names, zh)).toBe("运营 Olivia");
    expect(actorLabel("user:9b00d1aa-0000-4000-8000-000000000002", names, en)).toBe("User 9b00d1aa");
  });

  it("says an API key (the ERP) or the system, in the UI's language", () => {
    expect(actorLabel("api_key:77c0ffee-0000-4000-8000-000000000003", names, zh)).toBe("API 密钥 77c0ffee");
    expect(actorLabel("api_key:77c0ffee-0000-4000-8000-000000000003", names, en)).toBe("API key 77c0ffee");
    expect(actorLabel("system", names, zh)).toBe("系统");
    expect(actorLabel("system", names, en)).toBe("System");
  });

  it("shows nothing it cannot read as a dash, and an unknown kind as stored", () => {
    expect(actorLabel(null, names, en)).toBe("—");
    expect(actorLabel("robot:1", names, en)).toBe("robot:1");
  });
});
