#include "textflag.h"
// func pause30()
TEXT ·pause30(SB),NOSPLIT,$0-0
	MOVL $30, AX
loop:
	PAUSE
	DECL AX
	JNZ loop
	RET
