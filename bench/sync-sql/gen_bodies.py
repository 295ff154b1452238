# Writes the 50-op push bodies of the sync benchmark (same mix as `pokepedia bench sync`: players, teams, rosters,
# adjustments, games with events, deletes, usage logs) as CSV rows (user, batch, ops) for bench/sync-sql.sh.
# Usage: gen_bodies.py USERS BATCHES OUT.csv
import json, sys
users, batches = int(sys.argv[1]), int(sys.argv[2])
out = open(sys.argv[3], 'w')
for u in range(users):
    user = f"u{u}"; op = 0
    for s in range(batches):
        pre = f"{user}-{s}-"; prev = f"{user}-{s-1}-"; ops = []
        def add(t, i, k, payload=None):
            global op
            op_ = {"op_id": None, "type": t, "id": i, "kind": k, "base_version": 0}
            if payload is not None: op_["payload"] = payload
            ops.append(op_)
        for i in range(12): add("players", pre+f"p{i}", "upsert", {"name": f"Player {i}", "jersey_number": i+1, "position": "forward" if i%2==0 else "defence"})
        for i in range(4): add("teams", pre+f"t{i}", "upsert", {"name": f"Team {i}", "color": "#c00"})
        for i in range(4): add("team_rosters", pre+f"r{i}", "upsert", {"team_id": pre+f"t{i}", "roster": [pre+f"p{j}" for j in range(6)]})
        for i in range(10):
            if s > 0: add("players", prev+f"p{i}", "upsert", {"name": f"Renamed {s}", "notes": f"updated in batch {s}"})
            else: add("players", pre+f"px{i}", "upsert", {"name": f"Extra {i}"})
        for i in range(5): add("player_adjustments", pre+f"a{i}", "upsert", {"player_id": pre+f"p{i}", "goals_delta": i, "note": "bench"})
        for i in range(5): add("games", pre+f"g{i}", "upsert", {"opponent": f"Rivals {i}", "home_score": i, "away_score": 1, "team_id": pre+f"t{i%4}",
              "events": [{"type": "goal" if e%3==0 else "shot", "time": e*60, "player_id": pre+f"p{e%12}"} for e in range(10)], "tactical_data": {"formation": "4-4-2"}})
        for i in range(5):
            if s > 0: add("player_adjustments", prev+f"a{i}", "delete")
            else: add("usage_logs", pre+f"lx{i}", "upsert", {"provider": "bench", "action": "extra"})
        for i in range(5): add("usage_logs", pre+f"l{i}", "upsert", {"provider": "bench", "action": "push", "credits_consumed": i})
        for o in ops:
            op += 1; o["op_id"] = op
        body = json.dumps(ops).replace('"', '""')
        out.write(f'{user},{s},"{body}"\n')
