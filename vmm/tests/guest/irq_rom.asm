; irq_rom.asm: a 64 KiB test ROM that checks interrupt delivery through mvm's user-space
; devices in real mode: PIT channel 0 -> i8259 IRQ 0 -> ExtINT to CPU 0, then RTC periodic
; -> slave IRQ 8, then UART THRE -> IRQ 4. Each handler counts; the ROM writes a line per
; step to debugcon 0x402 and exits through 0xf4 with 0 when all three arrived, else 1.
; As on real hardware (and QEMU's microvm) LINT0 is masked at power-on, so the ROM first
; puts the local APIC in virtual-wire mode (LINT0 = ExtINT) through an unreal-mode FS.
; Build: nasm -f bin -o irq.rom irq_rom.asm

DEBUGCON equ 0x402
EXIT     equ 0xf4
PIC1     equ 0x20
PIC2     equ 0xa0
PIT_CH0  equ 0x40
PIT_CMD  equ 0x43
RTC_IDX  equ 0x70
RTC_DATA equ 0x71
COM1     equ 0x3f8
VEC_BASE equ 0x20        ; master IRQ 0-7 -> 0x20-0x27, slave -> 0x28-0x2f
COUNT    equ 0x500       ; three 16-bit counters in low RAM

bits 16
org 0
start:
	cli
	xor ax, ax
	mov ds, ax
	mov ss, ax
	mov sp, 0x7000
	mov word [COUNT], 0
	mov word [COUNT+2], 0
	mov word [COUNT+4], 0
	; IVT entries: IRQ 0, IRQ 4, IRQ 8
	mov word [(VEC_BASE+0)*4], irq0_real
	mov word [(VEC_BASE+0)*4+2], 0xf000
	mov word [(VEC_BASE+4)*4], irq4
	mov word [(VEC_BASE+4)*4+2], 0xf000
	mov word [(VEC_BASE+8)*4], irq8
	mov word [(VEC_BASE+8)*4+2], 0xf000
	call virtual_wire
	; i8259 pair: ICW1-4, then unmask IRQ 0, 2 (cascade), 4 and 8
	mov al, 0x11
	out PIC1, al
	out PIC2, al
	mov al, VEC_BASE
	out PIC1+1, al
	mov al, VEC_BASE+8
	out PIC2+1, al
	mov al, 4
	out PIC1+1, al
	mov al, 2
	out PIC2+1, al
	mov al, 1
	out PIC1+1, al
	out PIC2+1, al
	mov al, 0xea            ; master: IRQ 0, 2, 4 open
	out PIC1+1, al
	mov al, 0xfe            ; slave: IRQ 8 open
	out PIC2+1, al
	; PIT channel 0, mode 2, 1193 (1 kHz)
	mov al, 0x34
	out PIT_CMD, al
	mov al, 0xa9
	out PIT_CH0, al
	mov al, 0x04
	out PIT_CH0, al
	mov si, msg_pit
	call wait_count          ; waits for [COUNT] >= 3
	; stop the PIT (mode 0 with a huge count), start RTC periodic interrupts (rate 6)
	mov al, 0x30
	out PIT_CMD, al
	mov al, 0xff
	out PIT_CH0, al
	out PIT_CH0, al
	mov al, 0x0b
	out RTC_IDX, al
	mov al, 0x42            ; PIE, 24h
	out RTC_DATA, al
	mov bx, COUNT+4
	mov si, msg_rtc
	call wait_bx
	mov al, 0x0b
	out RTC_IDX, al
	mov al, 0x02
	out RTC_DATA, al
	; UART: enable THRE interrupts (OUT2 for the PC's IRQ gate)
	mov dx, COM1+4
	mov al, 0x08
	out dx, al
	mov dx, COM1+1
	mov al, 0x02
	out dx, al
	mov bx, COUNT+2
	mov si, msg_uart
	call wait_bx
	xor eax, eax
	jmp finish

LAPIC_SVR  equ 0xfee000f0
LAPIC_LVT0 equ 0xfee00350
; Unreal mode: FS with a 4 GiB limit, then the local APIC's SVR (software enable) and
; LINT0 (ExtINT, unmasked).
virtual_wire:
	lgdt [cs:gdt_desc]
	mov eax, cr0
	or al, 1
	mov cr0, eax
	mov bx, 0x08
	mov fs, bx
	and al, 0xfe
	mov cr0, eax
	xor bx, bx
	mov fs, bx
	a32 mov dword [fs:LAPIC_SVR], 0x1ff
	a32 mov dword [fs:LAPIC_LVT0], 0x700
	ret

align 8
gdt:	dq 0
	dq 0x00cf92000000ffff    ; flat 4 GiB data
gdt_desc:
	dw 15
	dd 0xf0000 + gdt

; si: message; waits with sti;hlt until word [bx] > 0 (or [COUNT] >= 3 for the PIT)
wait_count:
	mov bx, COUNT
wait_bx:
	mov cx, 2000
.loop:
	sti
	hlt
	cli
	cmp word [bx], 3
	jae .ok
	cmp bx, COUNT
	je .next
	cmp word [bx], 1
	jae .ok
.next:
	loop .loop
	mov eax, 1              ; timed out
	jmp finish
.ok:
	call puts
	ret

finish:
	mov dx, EXIT
	out dx, eax
	hlt

puts:
	mov dx, DEBUGCON
.c:	cs lodsb
	test al, al
	jz .d
	out dx, al
	jmp .c
.d:	ret

irq0_real:
	push ax
	inc word [COUNT]
	mov al, 0x20
	out PIC1, al
	pop ax
	iret
irq4:
	push ax
	push dx
	inc word [COUNT+2]
	mov dx, COM1+2           ; reading IIR acknowledges THRE
	in al, dx
	mov dx, COM1+1
	xor al, al               ; and stop further THRE interrupts
	out dx, al
	mov al, 0x20
	out PIC1, al
	pop dx
	pop ax
	iret
irq8:
	push ax
	inc word [COUNT+4]
	mov al, 0x0c             ; reading register C acknowledges the RTC
	out RTC_IDX, al
	in al, RTC_DATA
	mov al, 0x20
	out PIC2, al
	out PIC1, al
	pop ax
	iret

msg_pit:  db "irq_rom: pit irq0 via pic ok", 10, 0
msg_rtc:  db "irq_rom: rtc irq8 via slave pic ok", 10, 0
msg_uart: db "irq_rom: uart irq4 ok", 10, 0

	times 0xfff0 - ($ - $$) db 0xff
reset:
	jmp 0xf000:start
	times 0x10000 - ($ - $$) db 0xff
