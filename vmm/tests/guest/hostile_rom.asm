; hostile_rom.asm: a 64 KiB test ROM that pokes mvm the way a hostile or buggy guest
; would, in real mode: fw_cfg DMA into addresses outside guest RAM (the error bit must
; come back), a DMA descriptor outside RAM (ignored), a good DMA read (must still work),
; reads of unassigned ports (all ones), writes to every port of 0x00-0xff except the exit
; and PIC/PIT ports, and an invalid fw_cfg key. Result on debugcon; exit 0 when all held.
; Build: nasm -f bin -o hostile.rom hostile_rom.asm

DEBUGCON equ 0x402
EXIT     equ 0xf4
FWCFG_SEL equ 0x510
FWCFG_DATA equ 0x511
FWCFG_DMA_HI equ 0x514
FWCFG_DMA_LO equ 0x518
DESC     equ 0x600       ; a DMA descriptor in low RAM
BUF      equ 0x700
CTL_ERROR  equ 0x01
CTL_READ   equ 0x02
CTL_SELECT equ 0x08

bits 16
org 0
start:
	cli
	xor ax, ax
	mov ds, ax
	mov ss, ax
	mov sp, 0x7000
	xor bp, bp                 ; failure count

	; 1. DMA read of the signature into 0x1_0000_0000_0000 (far outside RAM)
	mov dword [DESC], 0x0a000000        ; be32: SELECT|READ, key 0 -> bytes 00 00 00 0a
	mov dword [DESC+4], 0x04000000      ; be32 length 4
	mov dword [DESC+8], 0x00000100      ; be64 address 0x0001000000000000
	mov dword [DESC+12], 0
	call dma
	test byte [DESC+3], CTL_ERROR
	jnz .ok1
	inc bp
	mov si, msg_fail_dma_range
	call puts
.ok1:
	; 2. DMA read whose buffer wraps past 2^64
	mov dword [DESC], 0x0a000000
	mov dword [DESC+4], 0x00100000      ; be32 length 0x1000
	mov dword [DESC+8], 0xffffffff
	mov dword [DESC+12], 0x00ffffff     ; be64 0xffffffffffffff00
	call dma
	test byte [DESC+3], CTL_ERROR
	jnz .ok2
	inc bp
	mov si, msg_fail_dma_wrap
	call puts
.ok2:
	; 3. a descriptor that is itself outside RAM: must be ignored without harm
	mov dx, FWCFG_DMA_HI
	xor eax, eax
	out dx, eax
	mov dx, FWCFG_DMA_LO
	mov eax, 0x000000f0                 ; be32 of 0xf0000000
	out dx, eax
	; 4. a good DMA read still works afterwards
	mov dword [BUF], 0
	mov dword [DESC], 0x0a000000
	mov dword [DESC+4], 0x04000000
	mov dword [DESC+8], 0
	mov dword [DESC+12], (BUF >> 8 & 0xff) << 16 | (BUF & 0xff) << 24
	call dma
	cmp dword [BUF], 'QEMU'
	jne .bad4
	cmp dword [DESC], 0
	je .ok4
.bad4:
	inc bp
	mov si, msg_fail_dma_good
	call puts
.ok4:
	; 5. an unassigned port reads all ones
	mov dx, 0x3e8
	in al, dx
	cmp al, 0xff
	je .ok5
	inc bp
	mov si, msg_fail_float
	call puts
.ok5:
	; 6. an invalid fw_cfg key reads zeros
	mov dx, FWCFG_SEL
	mov ax, 0x3fff
	out dx, ax
	mov dx, FWCFG_DATA
	in al, dx
	test al, al
	jz .ok6
	inc bp
	mov si, msg_fail_key
	call puts
.ok6:
	; 7. byte, word and dword writes to ports 0x80-0xef and 0x100-0x3ef (skipping the
	;    PIC, PIT, RTC index and exit ports): mvm must keep running
	mov dx, 0x80
.w1:	mov eax, 0xa5a5a5a5
	out dx, al
	out dx, ax
	out dx, eax
	inc dx
	cmp dx, 0xf0
	jb .w1
	mov dx, 0x100
.w2:	cmp dx, 0x3f8
	je .skip
	mov eax, 0x5a5a5a5a
	out dx, al
	out dx, ax
	out dx, eax
.skip:	inc dx
	cmp dx, 0x400
	jb .w2

	mov si, msg_done
	call puts
	movzx eax, bp
	test eax, eax
	jz .exit
	mov eax, 1
.exit:	mov dx, EXIT
	out dx, eax
	hlt

dma:	mov dx, FWCFG_DMA_HI
	xor eax, eax
	out dx, eax
	mov dx, FWCFG_DMA_LO
	mov eax, (DESC >> 8 & 0xff) << 16 | (DESC & 0xff) << 24    ; be32 of DESC
	out dx, eax
	ret

puts:	mov dx, DEBUGCON
.c:	cs lodsb
	test al, al
	jz .d
	out dx, al
	jmp .c
.d:	ret

msg_fail_dma_range: db "hostile: FAIL dma to 2^48 did not set the error bit", 10, 0
msg_fail_dma_wrap:  db "hostile: FAIL wrapping dma did not set the error bit", 10, 0
msg_fail_dma_good:  db "hostile: FAIL a good dma read after bad ones", 10, 0
msg_fail_float:     db "hostile: FAIL unassigned port 0x3e8 did not read 0xff", 10, 0
msg_fail_key:       db "hostile: FAIL invalid fw_cfg key did not read 0", 10, 0
msg_done:           db "hostile: done", 10, 0

	times 0xfff0 - ($ - $$) db 0xff
	jmp 0xf000:start
	times 0x10000 - ($ - $$) db 0xff
