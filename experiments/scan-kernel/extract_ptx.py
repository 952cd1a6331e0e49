# Extracts the PTX text from the gpu.binary of an mlir-opt gpu-module-to-binary{format=isa} result.
import re,sys
s=open(sys.argv[1]).read()
m=re.search(r'assembly = "((?:[^"\\]|\\.)*)"', s)
raw=m.group(1)
out=re.sub(r'\\([0-9A-Fa-f]{2})', lambda k: chr(int(k.group(1),16)), raw).replace('\\\\','\\').rstrip('\x00')
open(sys.argv[2],'w').write(out)
