import json,sys,collections,re
rows=[json.loads(l) for l in open(sys.argv[1])]
# runAndReadAll calls run: drop the inner record (same sql, logged just before)
out=[];
for r in rows:
    if out and out[-1]['sql']==r['sql'] and out[-1]['ms']<=r['ms']+1: out.pop()
    out.append(r)
agg=collections.defaultdict(lambda:[0,0.0])
for r in out:
    s=r['sql'].strip()
    s=re.sub(r'--[^\n]*\n','',s).strip() if s.startswith('--') and 'INSERT' in s else s
    k=re.sub(r'job_\w+|summary_run\w*','S',re.sub(r'\s+',' ',s))[:70]
    agg[k][0]+=1; agg[k][1]+=r['ms']
tot=sum(v[1] for v in agg.values()); print('total ms',round(tot), 'statements', len(out))
for k,v in sorted(agg.items(),key=lambda kv:-kv[1][1])[:int(sys.argv[2]) if len(sys.argv)>2 else 30]: print(f"{v[1]:7.0f} {v[0]:4d} {k}")
