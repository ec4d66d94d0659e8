#!/usr/bin/env python3
"""Public types that need not be: the public top-level types of the main code that no Java file outside
their own package names (main or test code of any module).

    python3 tools/narrow_public.py [--skip PKG,...] [--apply]

Prints, per module, the top-level types, how many are public, and those public only for their own
package; --apply removes their `public` (then compile: a type reached through a method without
being named shows up there). Kept public whatever the search says: CDI beans and config mappings
(Quarkus), classes with a main method, JMH benchmarks, and service-loader providers. It reads
source text: a name in a comment of another package counts as a use, so it errs on the safe side.
"""
import re,os,sys,subprocess,collections
root=os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
apply='--apply' in sys.argv
skip=[]
if '--skip' in sys.argv: skip=sys.argv[sys.argv.index('--skip')+1].split(',')
files=subprocess.run(['git','ls-files','*.java'],cwd=root,capture_output=True,text=True).stdout.split()
files+= [f for f in subprocess.run(['git','ls-files','-o','--exclude-standard','*.java'],cwd=root,capture_output=True,text=True).stdout.split()]
def strip(s):
    s=re.sub(r'/\*.*?\*/',' ',s,flags=re.S); s=re.sub(r'//[^\n]*','',s)
    s=re.sub(r'"(\\.|[^"\\\n])*"','""',s); return s
src={}; pkg={}
for f in files:
    p=os.path.join(root,f)
    if not os.path.exists(p): continue
    s=open(p).read(); src[f]=strip(s)
    m=re.search(r'^package\s+([\w.]+);',s,re.M); pkg[f]=m.group(1) if m else ''
services=set()
for dp,dn,fn in os.walk(root):
    if '/target' in dp or '.git' in dp: continue
    if dp.endswith('META-INF/services'):
        for x in fn:
            services.add(x); services.update(l.strip() for l in open(os.path.join(dp,x)) if l.strip() and not l.startswith('#'))
def module(f): return f.split('/src/')[0] if '/src/' in f else f.split('/')[0]
REFLECTED=['@Named','@ApplicationScoped','@Singleton','@Dependent','@RequestScoped','@Produces','@ConfigMapping','static void main','@Benchmark','@State(']
kept=collections.defaultdict(list)
tot=collections.Counter(); pub=collections.Counter(); cand=collections.defaultdict(list)
for f,s in src.items():
    if '/src/main/java/' not in '/'+f or f.endswith(('package-info.java','module-info.java')): continue
    name=os.path.basename(f)[:-5]; P=pkg[f]; mod=module(f)
    m=re.search(r'^((?:@\w+(?:\([^)]*\))?\s+)*)(public\s+)?((?:abstract|final|sealed|non-sealed|static|strictfp)\s+)*(class|interface|record|enum|@interface)\s+'+name+r'\b',s,re.M)
    if not m: continue
    tot[mod]+=1
    if not m.group(2): continue
    pub[mod]+=1
    if any(P==k or P.startswith(k+'.') for k in skip): continue
    if P+'.'+name in services: continue
    used=False
    for g,t in src.items():
        if pkg[g]==P: continue
        if re.search(r'\b'+name+r'\b',t): used=True; break
    raw=open(os.path.join(root,f)).read()
    if not used and any(k in raw for k in REFLECTED): kept[mod].append(f)
    elif not used: cand[mod].append(f)
for mod in sorted(tot):
    print(f'{mod}: {tot[mod]} top-level types, {pub[mod]} public, {len(cand[mod])} public but used only in their package'
          + (f' (+{len(kept[mod])} kept public: CDI beans, entry points, benchmarks)' if kept[mod] else ''))
    for f in cand[mod]: print('   ',f)
if apply:
    for mod,fs in cand.items():
        for f in fs:
            p=os.path.join(root,f); s=open(p).read(); name=os.path.basename(f)[:-5]
            s2=re.sub(r'^((?:@\w+(?:\([^)]*\))?\s+)*)public\s+((?:(?:abstract|final|sealed|non-sealed|static|strictfp)\s+)*(?:class|interface|record|enum|@interface)\s+'+name+r'\b)',r'\1\2',s,count=1,flags=re.M)
            if s2!=s: open(p,'w').write(s2)
